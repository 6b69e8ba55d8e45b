package dev.netsvc.time;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.reply.ReplyClient;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the time client's decoding (Jazzer): what an RFC 868 server sent, at a
 * local time and in a zone the input chooses. Seeds under
 * {@code src/test/resources/dev/netsvc/time/TimeDecodingFuzzTestInputs/show/}. Properties:
 * <ul>
 *   <li>anything but exactly 4 bytes is a {@link ClientException} that says how many came;</li>
 *   <li>4 bytes always print three lines (UTC, local, offset), for any local time and zone;</li>
 *   <li>the decoded instant is within half an era (2^31 s) of the local clock, and encodes back to the
 *       same 4 bytes (the era is resolved, never the count changed).</li>
 * </ul>
 */
class TimeDecodingFuzzTest {

    private static final List<String> ZONES = List.of("UTC", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu",
            "Pacific/Kiritimati", "+14:00", "-12:00");

    /** Local clocks from about 1200 BC to 5100 AD: far past what any real clock reads, both ways. */
    private static final long SPAN = 100_000_000_000L;

    @FuzzTest(maxDuration = "10m")
    void show(FuzzedDataProvider data) {
        Instant sent = Instant.ofEpochSecond(data.consumeLong(-SPAN, SPAN), data.consumeInt(0, 999_999_999));
        Instant received = sent.plusMillis(data.consumeLong(0, 60_000));
        ZoneId zone = ZoneId.of(data.pickValue(ZONES));
        byte[] wire = data.consumeRemainingAsBytes();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClientInvocation call = new ClientInvocation(List.of(), Map.of(), Duration.ofSeconds(1), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(OutputStream.nullOutputStream()),
                Clock.fixed(received, zone));
        ReplyClient.Answer answer = new ReplyClient.Answer(wire, sent, received, "tcp 127.0.0.1:37", false);
        try {
            new TimeClient().show(answer, call);
        } catch (ClientException e) {
            assertTrue(wire.length != 4, "4 bytes refused: " + e.getMessage());
            assertTrue(e.getMessage().contains(answer.describe()), e.getMessage()); // what came, e.g. "31 bytes of text"
            return;
        }
        assertEquals(4, wire.length, "printed a time from " + wire.length + " bytes");
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals(3, lines.length, out.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].startsWith("UTC ") && lines[1].startsWith("local ") && lines[2].startsWith("offset "));

        Instant theirs = Rfc868.decode(Rfc868.count(wire), answer.midpoint());
        long apart = Math.abs(Duration.between(answer.midpoint(), theirs).getSeconds());
        assertTrue(apart <= Rfc868.ERA / 2, theirs + " is " + apart + " s from " + answer.midpoint());
        assertArrayEquals(wire, Rfc868.encode(theirs));
    }
}
