package dev.netsvc.qotd;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuotesFileTest {

    private static List<String> parse(String text) throws QuotesFile.Problem {
        return QuotesFile.parse(text.getBytes(StandardCharsets.ISO_8859_1)).stream()
                .map(q -> new String(q, StandardCharsets.US_ASCII)).toList();
    }

    private static QuotesFile.Problem problem(String text) {
        return assertThrows(QuotesFile.Problem.class, () -> QuotesFile.parse(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void quotesAreBlocksSeparatedByPercentLinesAndEndInCrlf() throws Exception {
        assertEquals(List.of("One.\r\n", "Two,\r\n\t-- two lines\r\n", "Three.\r\n"),
                parse("One.\n%\nTwo,\n\t-- two lines\n%\nThree.\n"));
        assertEquals(List.of("Last line has no newline\r\n"), parse("Last line has no newline"));
    }

    @Test
    void commentsBlankEdgesAndEmptyBlocksAreDropped() throws Exception {
        assertEquals(List.of("A\r\n\r\nB\r\n", "C\r\n"),
                parse("# header\n%\n\n  \nA\n\nB\n\n%\n%\n# a comment between\nC\n%\n"));
    }

    @Test
    void crlfFilesReadTheSame() throws Exception {
        assertEquals(parse("A\nB\n%\nC\n"), parse("A\r\nB\r\n%\r\nC\r\n"));
    }

    @Test
    void aNonAsciiByteIsNamedByLineAndColumn() {
        QuotesFile.Problem p = problem("Fine.\n%\nCaf\u00e9 au lait\n");
        assertEquals(3, p.line());
        assertTrue(p.getMessage().contains("column 4: byte 0xE9 is not printable ASCII"), p.getMessage());
    }

    @Test
    void controlCharactersAndABareCrAreRejected() {
        assertEquals(2, problem("ok\nbell\u0007\n").line());
        QuotesFile.Problem cr = problem("ok\n%\nhalf\rline\n");
        assertEquals(3, cr.line());
        assertTrue(cr.getMessage().contains("0x0D"), cr.getMessage());
    }

    @Test
    void aQuoteMayHave511CharactersWithItsLineBreaksButNot512() throws Exception {
        String fits = "x".repeat(509); // + CRLF = 511
        assertEquals(511, parse(fits + "\n").get(0).length());
        QuotesFile.Problem tooLong = problem("short\n%\n\n" + "y".repeat(300) + "\n" + "z".repeat(208) + "\n");
        assertEquals(4, tooLong.line(), "the line where the quote starts");
        assertTrue(tooLong.getMessage().contains("512 characters") && tooLong.getMessage().contains("at most 511"),
                tooLong.getMessage());
    }

    @Test
    void aFileWithoutQuotesIsAnError() {
        for (String empty : new String[] {"", "\n\n", "# only a comment\n%\n%\n"}) {
            QuotesFile.Problem p = problem(empty);
            assertEquals(0, p.line());
            assertTrue(p.getMessage().contains("no quotes"), p.getMessage());
        }
    }

    @Test
    void theShippedFileHasAtLeastFiftyValidQuotes() throws IOException, QuotesFile.Problem {
        List<byte[]> quotes = QuotesFile.read(shippedQuotes());
        assertTrue(quotes.size() >= 50, quotes.size() + " quotes");
        assertTrue(quotes.stream().allMatch(q -> q.length <= QuotesFile.MAX_QUOTE));
    }

    /** dist/src/conf/quotes.txt, from this module's folder. */
    static Path shippedQuotes() {
        return Path.of("../../dist/src/conf/quotes.txt");
    }
}
