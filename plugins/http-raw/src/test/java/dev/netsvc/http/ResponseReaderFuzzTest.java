package dev.netsvc.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of the client's {@link ResponseReader} (Jazzer), fed as the client feeds it:
 * a status line and headers (interim 1xx responses skipped), then the body, from a stream that returns
 * as few bytes per read as the input says. Seeds: {@code src/test/resources/dev/netsvc/http/
 * ResponseReaderFuzzTestInputs/read/}. Properties:
 * <ul>
 *   <li>a hostile server gets only {@link HttpException} (a malformed response, with a defined status) or
 *       {@link EOFException} (it closed early): never another exception;</li>
 *   <li>the head respects the limits (status 100..599, at most 200 fields, 64k of them);</li>
 *   <li>a Content-Length body is exactly that long;</li>
 *   <li>a head that reads re-serializes to bytes that read to the same head, and the body read from a
 *       re-framed response (Content-Length) is the same.</li>
 * </ul>
 */
class ResponseReaderFuzzTest {

    private static final Set<Status> REJECTIONS = Set.of(Status.BAD_REQUEST, Status.CONTENT_TOO_LARGE,
            Status.HEADERS_TOO_LARGE, Status.VERSION_NOT_SUPPORTED);

    @FuzzTest(maxDuration = "10m")
    void read(FuzzedDataProvider data) {
        boolean headRequest = data.consumeBoolean();
        int read = data.consumeInt(1, 4096);
        byte[] response = data.consumeRemainingAsBytes();

        ResponseReader reader = new ResponseReader(new Trickle(response, read));
        ResponseReader.Head head;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            head = reader.readHead();
            for (int interim = 0; head.status() / 100 == 1 && head.status() != 101 && interim < 10; interim++) {
                head = reader.readHead();
            }
            checkHead(head);
            long n = reader.readBody(head, headRequest, body);
            assertEquals(body.size(), n, "bytes reported and bytes written differ");
            String length = head.field("Content-Length");
            if (!headRequest && length != null && head.field("Transfer-Encoding") == null && head.status() / 100 != 1
                    && head.status() != 204 && head.status() != 304) {
                assertEquals(Long.parseLong(length.split(",")[0].strip()), n);
            }
        } catch (HttpException e) {
            assertTrue(REJECTIONS.contains(e.status()), "undefined status " + e.status() + ": " + e.getMessage());
            return;
        } catch (EOFException e) {
            return; // the server closed early: the client says so
        } catch (IOException e) {
            fail("only EOF can come from a byte array", e);
            return;
        }
        reread(head, headRequest, body.toByteArray());
    }

    private static void checkHead(ResponseReader.Head head) {
        assertTrue(head.status() >= 100 && head.status() <= 599, head.statusLine());
        assertTrue(head.fields().size() <= ResponseReader.MAX_HEADERS);
        assertTrue(head.statusLine().length() <= ResponseReader.MAX_STATUS_LINE);
        int size = head.fields().stream().mapToInt(f -> f.length() + 2).sum();
        assertTrue(size <= ResponseReader.MAX_HEADER_SIZE, size + " bytes of header fields");
    }

    /** The head as received, framed again with Content-Length, reads to the same head and body. */
    private static void reread(ResponseReader.Head head, boolean headRequest, byte[] body) {
        StringBuilder text = new StringBuilder(head.statusLine()).append("\r\n");
        int kept = 0;
        int size = 0;
        for (String field : head.fields()) {
            String name = field.substring(0, field.indexOf(':'));
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")) {
                text.append(field).append("\r\n");
                kept++;
                size += field.length() + 2;
            }
        }
        if (kept == ResponseReader.MAX_HEADERS || size + 40 > ResponseReader.MAX_HEADER_SIZE) {
            return; // no room for the new Content-Length field within the client's limits
        }
        text.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        again.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        again.writeBytes(body);
        ResponseReader reader = new ResponseReader(new Trickle(again.toByteArray(), 4096));
        try {
            ResponseReader.Head head2 = reader.readHead();
            assertEquals(head.status(), head2.status());
            assertEquals(head.statusLine(), head2.statusLine());
            ByteArrayOutputStream body2 = new ByteArrayOutputStream();
            reader.readBody(head2, headRequest, body2);
            assertArrayEquals(body, body2.toByteArray());
        } catch (IOException | HttpException e) {
            fail("a re-framed response does not read: " + text, e);
        }
    }

    /** A stream over {@code bytes} that returns at most {@code read} bytes per call, as a slow server would. */
    static final class Trickle extends InputStream {
        private final byte[] bytes;
        private final int read;
        private int at;

        Trickle(byte[] bytes, int read) {
            this.bytes = bytes;
            this.read = read;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (at == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, read), bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }
}
