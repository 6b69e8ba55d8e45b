package dev.netsvc.qotd;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of {@link QuotesFile} (Jazzer): the quotes file is operator input, but it
 * may come from anywhere. Seeds under
 * {@code src/test/resources/dev/netsvc/qotd/QuotesFileFuzzTestInputs/parse/}. Properties:
 * <ul>
 *   <li>a file is either served or refused with a {@link QuotesFile.Problem} whose line exists;</li>
 *   <li>every quote served is what RFC 865 asks: at most 511 bytes, printable ASCII and TAB in lines
 *       ended by CRLF, not blank at either end;</li>
 *   <li>the quotes written back as a file (one block each, separated by {@code %}) read to the same
 *       quotes.</li>
 * </ul>
 */
class QuotesFileFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] content) {
        List<byte[]> quotes;
        try {
            quotes = QuotesFile.parse(content);
        } catch (QuotesFile.Problem e) {
            int lines = 1;
            for (byte b : content) {
                lines += b == '\n' ? 1 : 0;
            }
            assertTrue(e.line() >= 0 && e.line() <= lines, "line " + e.line() + " of " + lines + ": " + e.getMessage());
            assertFalse(e.getMessage().isBlank());
            return;
        }
        assertFalse(quotes.isEmpty(), "served an empty list");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (byte[] quote : quotes) {
            checkQuote(quote);
            file.write(quote, 0, quote.length);
            file.writeBytes(new byte[] {'%', '\n'});
        }
        try {
            List<byte[]> again = QuotesFile.parse(file.toByteArray());
            assertEquals(quotes.size(), again.size());
            for (int i = 0; i < quotes.size(); i++) {
                assertArrayEquals(quotes.get(i), again.get(i), "quote " + i);
            }
        } catch (QuotesFile.Problem e) {
            fail("the quotes written back are refused: line " + e.line() + ": " + e.getMessage());
        }
    }

    private static void checkQuote(byte[] quote) {
        assertTrue(quote.length >= 3 && quote.length <= QuotesFile.MAX_QUOTE, quote.length + " bytes");
        assertEquals('\r', quote[quote.length - 2]);
        assertEquals('\n', quote[quote.length - 1]);
        List<Boolean> blankLines = new java.util.ArrayList<>();
        boolean blank = true;
        for (int i = 0; i < quote.length; i++) {
            int b = quote[i] & 0xff;
            if (b == '\r') {
                assertEquals('\n', quote[i + 1], "CR without LF");
                blankLines.add(blank);
                blank = true;
                i++;
                continue;
            }
            assertTrue(b == '\t' || (b >= 0x20 && b <= 0x7e), "byte " + b + " in a quote");
            blank &= b == ' ' || b == '\t';
        }
        assertFalse(blankLines.get(0), "a quote starts with a blank line");
        assertFalse(blankLines.get(blankLines.size() - 1), "a quote ends with a blank line");
    }
}
