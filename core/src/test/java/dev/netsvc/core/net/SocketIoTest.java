package dev.netsvc.core.net;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketIoTest {

    /** Returns at most one byte per read, like a congested socket. */
    private static InputStream trickle(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
    }

    @Test
    void readExactlyCollectsPartialReads() throws IOException {
        assertArrayEquals(new byte[] {1, 2, 3, 4}, SocketIo.readExactly(trickle(new byte[] {1, 2, 3, 4, 5}), 4));
        EOFException e = assertThrows(EOFException.class, () -> SocketIo.readExactly(trickle(new byte[] {1, 2}), 4));
        assertTrue(e.getMessage().contains("2 of 4"), e.getMessage());
    }

    @Test
    void readLineHandlesLfCrlfAndEnd() throws IOException {
        InputStream in = new ByteArrayInputStream("one\r\ntwo\nthree".getBytes(StandardCharsets.US_ASCII));
        assertEquals("one", SocketIo.readLine(in, 10));
        assertEquals("two", SocketIo.readLine(in, 10));
        assertEquals("three", SocketIo.readLine(in, 10));
        assertNull(SocketIo.readLine(in, 10));
    }

    @Test
    void readLineLimitIsExactAndNeverBuffersMore() throws IOException {
        assertEquals("12345", SocketIo.readLine(new ByteArrayInputStream("12345\r\n".getBytes(StandardCharsets.US_ASCII)), 5));
        assertEquals("12345", SocketIo.readLine(new ByteArrayInputStream("12345\n".getBytes(StandardCharsets.US_ASCII)), 5));
        assertThrows(SocketIo.LineTooLongException.class,
                () -> SocketIo.readLine(new ByteArrayInputStream("123456\n".getBytes(StandardCharsets.US_ASCII)), 5));
        // a stream that never ends a line must fail after the limit, not read forever
        InputStream endless = new InputStream() {
            int served;

            @Override
            public int read() {
                served++;
                if (served > 100) {
                    throw new AssertionError("read past the limit");
                }
                return 'x';
            }
        };
        assertThrows(SocketIo.LineTooLongException.class, () -> SocketIo.readLine(endless, 10));
    }

    @Test
    void readAllRefusesMoreThanItsLimit() throws IOException {
        assertEquals(3, SocketIo.readAll(new ByteArrayInputStream(new byte[3]), 3).length);
        assertThrows(IOException.class, () -> SocketIo.readAll(new ByteArrayInputStream(new byte[4]), 3));
    }

    @Test
    void writeFullyLoopsOverShortWrites() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        WritableByteChannel base = Channels.newChannel(sink);
        WritableByteChannel stingy = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                ByteBuffer one = src.slice().limit(Math.min(3, src.remaining()));
                int n = base.write(one);
                src.position(src.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        byte[] data = "hello, partial writes".getBytes(StandardCharsets.US_ASCII);
        SocketIo.writeFully(stingy, ByteBuffer.wrap(data));
        assertArrayEquals(data, sink.toByteArray());
    }
}
