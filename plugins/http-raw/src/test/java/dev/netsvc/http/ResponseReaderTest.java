package dev.netsvc.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Response framing for the client, from bytes (fed one byte per read, the worst case). */
class ResponseReaderTest {

    record Read(ResponseReader.Head head, String body) {
    }

    static Read read(String response, boolean headRequest) throws IOException, HttpException {
        ResponseReader reader = new ResponseReader(trickle(response));
        ResponseReader.Head head = reader.readHead();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        reader.readBody(head, headRequest, body);
        return new Read(head, body.toString(StandardCharsets.ISO_8859_1));
    }

    /** A stream that returns one byte per read. */
    static InputStream trickle(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    @Test
    void contentLengthBody() throws Exception {
        Read r = read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhelloEXTRA", false);
        assertEquals(200, r.head().status());
        assertEquals("HTTP/1.1 200 OK", r.head().statusLine());
        assertEquals("5", r.head().field("content-length"));
        assertEquals("hello", r.body());
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailers() throws Exception {
        Read r = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n", false);
        assertEquals("hello world", r.body());
    }

    @Test
    void closeDelimitedBody() throws Exception {
        assertEquals("all of it\r\nuntil close", read("HTTP/1.0 200 OK\r\n\r\nall of it\r\nuntil close", false).body());
    }

    @Test
    void headAnd204And304HaveNoBodyWhateverTheHeadersSay() throws Exception {
        assertEquals("", read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true).body());
        assertEquals("", read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true).body());
        assertEquals("", read("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false).body());
        assertEquals("", read("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", false).body());
    }

    @Test
    void statusLineWithoutReasonIsFine() throws Exception {
        assertEquals(404, read("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", false).head().status());
        assertEquals(503, read("HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n", false).head().status());
    }

    @Test
    void truncatedBodiesAreErrors() {
        assertThrows(EOFException.class, () -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", false));
        assertThrows(EOFException.class, () -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", false));
        assertThrows(EOFException.class, () -> read("HTTP/1.1 200 OK\r\nContent-", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SSH-2.0-OpenSSH_9.2\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    })
    void malformedResponsesAreHttpExceptions(String response) {
        assertThrows(HttpException.class, () -> read(response, false));
    }

    @Test
    void headerSectionIsLimited() {
        String huge = "HTTP/1.1 200 OK\r\n" + ("X: " + "a".repeat(1000) + "\r\n").repeat(70) + "\r\n";
        assertEquals(Status.HEADERS_TOO_LARGE, assertThrows(HttpException.class, () -> read(huge, false)).status());
    }
}
