package dev.netsvc.core.reply;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.Transport;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of how the reply clients (daytime, qotd, and any {@link ReplyClient} that
 * keeps the default {@code show}) decode what a server sent (Jazzer); seeds under
 * {@code src/test/resources/dev/netsvc/core/reply/ReplyDecodingFuzzTestInputs/printable/}. A hostile
 * server controls every byte. Properties:
 * <ul>
 *   <li>the printed text holds only printable ASCII, TAB and line ends: no terminal escape, no other
 *       control byte, whatever was sent;</li>
 *   <li>nothing is lost: every byte shows as itself, as {@code \xNN}, or (CR of a CRLF) as part of the
 *       line end; the text ends with a line end;</li>
 *   <li>an empty answer is a {@link ClientException} that names the server; any other answer prints.</li>
 * </ul>
 */
class ReplyDecodingFuzzTest {

    private static final String NL = System.lineSeparator();

    private static final ReplyClient CLIENT = new ReplyClient("fuzz", "fuzzed", 7, Transport.UDP, 1 << 16) {
    };

    @FuzzTest(maxDuration = "10m")
    void printable(byte[] answer) {
        String text = ReplyClient.printable(answer);
        assertTrue(text.endsWith(NL), "ends with a line end");
        int expected = 0;
        for (int i = 0; i < answer.length; i++) {
            int b = answer[i] & 0xff;
            if (b == '\r' && i + 1 < answer.length && answer[i + 1] == '\n') {
                continue;
            }
            expected += b == '\n' ? NL.length() : b == '\t' || (b >= 0x20 && b < 0x7f) ? 1 : 4;
        }
        if (answer.length == 0 || answer[answer.length - 1] != '\n') {
            expected += NL.length();
        }
        assertEquals(expected, text.length(), "every byte accounted for");
        String body = text.replace(NL, "");
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            assertTrue(c == '\t' || (c >= 0x20 && c < 0x7f), "unsafe character " + (int) c + " in output");
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClientInvocation call = new ClientInvocation(List.of(), Map.of(), Duration.ofSeconds(1), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(OutputStream.nullOutputStream()),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        ReplyClient.Answer reply = new ReplyClient.Answer(answer, Instant.EPOCH, Instant.EPOCH, "udp 127.0.0.1:7", false);
        try {
            CLIENT.show(reply, call);
            assertTrue(answer.length > 0 && ReplyClient.isText(answer), "an empty or binary answer printed");
            assertEquals(text, out.toString(StandardCharsets.UTF_8));
        } catch (ClientException e) {
            assertTrue(answer.length == 0 || !ReplyClient.isText(answer), "a text answer refused: " + e.getMessage());
            assertTrue(e.getMessage().contains("udp 127.0.0.1:7"), e.getMessage());
        }
    }
}
