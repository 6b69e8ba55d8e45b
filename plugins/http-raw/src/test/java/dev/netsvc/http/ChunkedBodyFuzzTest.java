package dev.netsvc.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of {@link ChunkedBody} (Jazzer); the seeds are under
 * {@code src/test/resources/dev/netsvc/http/ChunkedBodyFuzzTestInputs/}.
 * <ul>
 *   <li>{@code decode}: arbitrary bytes as a chunked body, split into reads as the input says. Every
 *       rejection is 400, 413 or 431; the body never exceeds its limit; the unparsed framing held never
 *       exceeds the line limits; the split changes nothing; a body that decodes re-encodes (one chunk)
 *       and decodes to the same data.</li>
 *   <li>{@code encodeDecode}: data the input chooses, chunked at sizes and with extensions and trailers
 *       the input chooses, decodes to the same data.</li>
 * </ul>
 */
class ChunkedBodyFuzzTest {

    private static final Set<Status> REJECTIONS = Set.of(Status.BAD_REQUEST, Status.CONTENT_TOO_LARGE,
            Status.HEADERS_TOO_LARGE);

    /**
     * The data decoded, whether the body ended or was rejected, and where it ended (-1 unless complete).
     * Which status a rejection has may depend on the split (a line too long for the limit may also hold a
     * bare CR further on), so it is checked, but not compared.
     */
    record Decoded(byte[] data, boolean complete, boolean rejected, int consumed) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Decoded d && Arrays.equals(data, d.data) && complete == d.complete
                    && rejected == d.rejected && consumed == d.consumed;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return data.length + " bytes, complete " + complete + ", rejected " + rejected + ", consumed " + consumed;
        }
    }

    @FuzzTest(maxDuration = "10m")
    void decode(FuzzedDataProvider data) {
        long maxBody = data.consumeLong(0, 4096);
        int maxLine = data.consumeInt(8, 256);
        int maxTrailers = data.consumeInt(0, 512);
        int read = data.consumeInt(1, 32);
        byte[] input = data.consumeRemainingAsBytes();

        Decoded whole = decode(input, maxBody, maxLine, maxTrailers, input.length + 1);
        Decoded split = decode(input, maxBody, maxLine, maxTrailers, read);
        assertEquals(whole, split, "the same bytes in different reads must decode the same");
        assertTrue(whole.data().length <= maxBody, "decoded " + whole.data().length + " bytes, limit " + maxBody);
        if (whole.complete()) {
            byte[] again = encode(whole.data(), new int[] {Math.max(1, whole.data().length)}, "", "");
            Decoded redecoded = decode(again, maxBody, maxLine, maxTrailers, again.length + 1);
            assertTrue(redecoded.complete(), "re-encoded body does not decode: " + redecoded);
            assertArrayEquals(whole.data(), redecoded.data());
        }
    }

    @FuzzTest(maxDuration = "10m")
    void encodeDecode(FuzzedDataProvider data) {
        int[] sizes = new int[data.consumeInt(1, 8)];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = data.consumeInt(1, 300);
        }
        String extension = data.consumeBoolean() ? ";" + token(data.consumeString(16)) : "";
        String trailer = data.consumeBoolean() ? "X-" + token(data.consumeString(16)) + ": v\r\n" : "";
        int read = data.consumeInt(1, 64);
        byte[] body = data.consumeRemainingAsBytes();

        byte[] chunked = encode(body, sizes, extension, trailer);
        Decoded decoded = decode(chunked, 1 << 20, 1024, 1024, read);
        assertTrue(decoded.complete(), "a well-formed body does not decode: " + decoded);
        assertEquals(chunked.length, decoded.consumed(), "the body's end is where the encoding ends");
        assertArrayEquals(body, decoded.data());
    }

    /** Letters and digits of {@code s}, at least one. */
    private static String token(String s) {
        StringBuilder t = new StringBuilder("x");
        s.chars().filter(c -> c < 128 && Character.isLetterOrDigit(c)).forEach(c -> t.append((char) c));
        return t.toString();
    }

    /** {@code body} in chunks of the given sizes (cycled), then the last chunk, trailers and CRLF. */
    static byte[] encode(byte[] body, int[] sizes, String extension, String trailer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int i = 0; at < body.length; i++) {
            int n = Math.min(sizes[i % sizes.length], body.length - at);
            out.writeBytes((Integer.toHexString(n) + extension + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes(new byte[] {'\r', '\n'});
            at += n;
        }
        out.writeBytes(("0" + extension + "\r\n" + trailer + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Decodes {@code input} arriving in reads of at most {@code read} bytes, through a bounded buffer. */
    static Decoded decode(byte[] input, long maxBody, int maxLine, int maxTrailers, int read) {
        int bufferSize = Math.max(maxLine, maxTrailers) + 2;
        ChunkedBody body = new ChunkedBody(maxBody, maxLine, maxTrailers);
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize).limit(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            long n;
            try {
                n = body.next(buffer);
            } catch (HttpException e) {
                assertTrue(REJECTIONS.contains(e.status()), "undefined status " + e.status() + ": " + e.getMessage());
                return new Decoded(out.toByteArray(), false, true, -1);
            }
            if (n > 0) {
                assertTrue(n <= buffer.remaining(), "more data promised than buffered");
                out.write(buffer.array(), buffer.position(), (int) n);
                buffer.position(buffer.position() + (int) n);
                continue;
            }
            if (n < 0) {
                return new Decoded(out.toByteArray(), true, false, at - buffer.remaining());
            }
            assertTrue(buffer.remaining() < bufferSize, "holds " + buffer.remaining() + " bytes of framing; limits allow "
                    + (bufferSize - 1));
            if (at == input.length) {
                return new Decoded(out.toByteArray(), false, false, -1);
            }
            buffer.compact();
            int take = Math.min(Math.min(read, buffer.remaining()), input.length - at);
            if (take == 0) {
                fail("buffer full but the decoder asks for more");
            }
            buffer.put(input, at, take);
            at += take;
            buffer.flip();
        }
    }
}
