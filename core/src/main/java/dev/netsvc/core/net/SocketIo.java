package dev.netsvc.core.net;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The reads and writes every socket program needs and the classic tutorials get wrong: {@code recv(1024)} may return
 * one byte, {@code send} may send part of the buffer, and a line may never end.
 */
public final class SocketIo {

    private SocketIo() {
    }

    /** Reads exactly {@code n} bytes, or throws {@link EOFException} naming how many arrived. */
    public static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            int r = in.read(out, done, n - done);
            if (r < 0) {
                throw new EOFException("connection closed after " + done + " of " + n + " bytes");
            }
            done += r;
        }
        return out;
    }

    /** Reads until end of stream, failing if more than {@code limit} bytes arrive. */
    public static byte[] readAll(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
        byte[] buf = new byte[8192];
        int r;
        while ((r = in.read(buf)) >= 0) {
            if (out.size() + r > limit) {
                throw new IOException("reply longer than " + limit + " bytes");
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    /** No line ending came within the limit; the peer is sending garbage or attacking. */
    public static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        public LineTooLongException(int limit) {
            super("line longer than " + limit + " bytes");
        }
    }

    /**
     * Reads one line of at most {@code limit} bytes (not counting the ending) and returns it without its
     * LF or CRLF ending, decoded as ISO-8859-1 so that no byte is lost. Returns null at end of stream
     * before any byte; a last line without an ending is returned as is.
     *
     * <p>It reads a byte at a time, so pass a buffered stream.
     *
     * @throws LineTooLongException when no line ending comes within {@code limit} bytes
     */
    public static String readLine(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(Math.min(limit, 256));
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return finishLine(line, limit);
            }
            if (line.size() > limit) { // limit bytes plus the CR of a CRLF are allowed
                throw new LineTooLongException(limit);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : finishLine(line, limit);
    }

    private static String finishLine(ByteArrayOutputStream line, int limit) throws LineTooLongException {
        byte[] bytes = line.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        if (len > limit) {
            throw new LineTooLongException(limit);
        }
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes every remaining byte of {@code buffer} to a blocking channel ({@code sendall}). A
     * non-blocking channel must not be passed here: it would spin.
     */
    public static void writeFully(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
