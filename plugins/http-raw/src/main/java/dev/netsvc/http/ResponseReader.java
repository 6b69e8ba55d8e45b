package dev.netsvc.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads HTTP/1.1 responses for the client with the server's byte grammar: a status line, header fields
 * (limited in size and count), then the body framed as RFC 9112 §6.3 says: none for HEAD, 1xx, 204 and
 * 304, whatever the headers claim; chunked; Content-Length; or everything until the server closes.
 */
final class ResponseReader {

    static final int MAX_STATUS_LINE = 8 * 1024;
    static final int MAX_HEADER_SIZE = 64 * 1024;
    static final int MAX_HEADERS = 200;

    /** A status line and its header fields, as received. */
    record Head(int status, String statusLine, List<String> fields) {

        /** The values of every field called {@code name}, joined by ", "; null if none. */
        String field(String name) {
            String joined = null;
            for (String f : fields) {
                int colon = f.indexOf(':');
                if (f.substring(0, colon).equalsIgnoreCase(name)) {
                    String value = f.substring(colon + 1).strip();
                    joined = joined == null ? value : joined + ", " + value;
                }
            }
            return joined;
        }
    }

    private final InputStream in;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_HEADER_SIZE + 1024).limit(0); // any line fits
    private final LineScanner lines = new LineScanner();

    ResponseReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads a status line and its header fields.
     *
     * @throws HttpException if the response is malformed or over a limit
     * @throws EOFException  if the server closes before the header section ends
     */
    Head readHead() throws IOException, HttpException {
        String statusLine = line(MAX_STATUS_LINE, "status line");
        int status = status(statusLine);
        List<String> fields = new ArrayList<>();
        int size = 0;
        while (true) {
            int budget = Math.max(0, MAX_HEADER_SIZE - size - 2);
            String field = line(budget, "header section");
            if (field.isEmpty()) {
                return new Head(status, statusLine, fields);
            }
            size += field.length() + 2;
            if (fields.size() == MAX_HEADERS) {
                throw new HttpException(Status.HEADERS_TOO_LARGE, "more than " + MAX_HEADERS + " header fields");
            }
            byte[] bytes = field.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            HttpBytes.fieldColon(bytes, 0, bytes.length);
            fields.add(field);
        }
    }

    /**
     * Copies the body of the response with {@code head} to {@code sink}; returns the bytes copied.
     *
     * @param headRequest the request was HEAD: there is no body, whatever the headers say
     */
    long readBody(Head head, boolean headRequest, OutputStream sink) throws IOException, HttpException {
        int status = head.status();
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            return 0;
        }
        String codings = head.field("Transfer-Encoding");
        if (codings != null) {
            String[] list = codings.split(",");
            if (list[list.length - 1].strip().equalsIgnoreCase("chunked")) {
                return chunked(sink);
            }
            return untilClose(sink); // another final coding: the body ends when the connection does
        }
        String length = head.field("Content-Length");
        if (length != null) {
            return exactly(contentLength(length), sink);
        }
        return untilClose(sink);
    }

    private long chunked(OutputStream sink) throws IOException, HttpException {
        ChunkedBody body = new ChunkedBody(Long.MAX_VALUE, MAX_STATUS_LINE, MAX_HEADER_SIZE);
        long total = 0;
        while (true) {
            long n = body.next(buffer);
            if (n > 0) {
                sink.write(buffer.array(), buffer.position(), (int) n);
                buffer.position(buffer.position() + (int) n);
                total += n;
            } else if (n < 0) {
                return total;
            } else if (fill() < 0) {
                throw new EOFException("connection closed in the middle of a chunked body, after " + total + " bytes");
            }
        }
    }

    private long exactly(long length, OutputStream sink) throws IOException {
        long left = length;
        while (left > 0) {
            if (!buffer.hasRemaining() && fill() < 0) {
                throw new EOFException("connection closed after " + (length - left) + " of " + length + " body bytes");
            }
            int n = (int) Math.min(left, buffer.remaining());
            sink.write(buffer.array(), buffer.position(), n);
            buffer.position(buffer.position() + n);
            left -= n;
        }
        return length;
    }

    private long untilClose(OutputStream sink) throws IOException {
        long total = 0;
        do {
            total += buffer.remaining();
            sink.write(buffer.array(), buffer.position(), buffer.remaining());
            buffer.position(buffer.limit());
        } while (fill() >= 0);
        return total;
    }

    /** Content-Length: digits; a list or repeated field only if every value agrees. */
    private static long contentLength(String value) throws HttpException {
        long length = -1;
        for (String element : value.split(",", -1)) {
            byte[] digits = element.strip().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            long n = HttpBytes.parseDecimal(digits, 0, digits.length);
            if (n < 0 || length >= 0 && n != length) {
                throw HttpException.badRequest("invalid Content-Length '" + value + "'");
            }
            length = n;
        }
        return length;
    }

    /** {@code HTTP/1.x NNN [reason]}: the status code. */
    private static int status(String line) throws HttpException {
        byte[] a = line.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (a.length < 12 || a[8] != ' ' || (a.length > 12 && a[12] != ' ')) {
            throw HttpException.badRequest("not an HTTP status line: '" + line + "'");
        }
        Version.parse(a, 0, 8);
        long code = HttpBytes.parseDecimal(a, 9, 12);
        if (code < 100 || code > 599) {
            throw HttpException.badRequest("invalid status code in '" + line + "'");
        }
        return (int) code;
    }

    private String line(int max, String what) throws IOException, HttpException {
        while (true) {
            int lf = lines.find(buffer, max, Status.HEADERS_TOO_LARGE, what);
            if (lf >= 0) {
                String line = HttpBytes.text(buffer.array(), buffer.position(), lf - 1);
                buffer.position(lf + 1);
                return line;
            }
            if (fill() < 0) {
                throw new EOFException("connection closed before the end of the " + what);
            }
        }
    }

    /** Reads more input behind what is buffered; -1 at end of stream. */
    private int fill() throws IOException {
        if (buffer.position() > 0) {
            buffer.compact().flip();
        }
        if (buffer.limit() == buffer.capacity()) {
            throw new IllegalStateException("buffer full"); // the line limits stay below its capacity
        }
        int n = in.read(buffer.array(), buffer.limit(), buffer.capacity() - buffer.limit());
        if (n > 0) {
            buffer.limit(buffer.limit() + n);
        }
        return n;
    }
}
