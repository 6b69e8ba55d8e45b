package dev.netsvc.core.reply;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Sends a whole reply on a TCP connection and closes it without destroying the reply.
 *
 * <p>Closing a socket that still has unread input makes the kernel send RST instead of FIN, and a RST
 * can destroy the reply in flight or still unread in the client's buffer. So after writing, we
 * half-close (the client sees the reply, then end of stream) and read and discard whatever the client
 * sends until it closes too, for at most {@code linger}: the "lingering close" of web servers. Memory
 * stays fixed (one small buffer), and time is bounded by {@code linger}.
 */
final class TcpReply {

    private static final int DISCARD_BUFFER = 1024;

    private TcpReply() {
    }

    /** Writes the whole reply, then half-closes: FIN follows the last byte. */
    static void write(Socket socket, byte[] reply) throws IOException {
        socket.getOutputStream().write(reply);
        socket.shutdownOutput();
    }

    /** Reads and discards input until the client closes, or {@code linger} has passed. */
    static void discardUntilClosed(Socket socket, Duration linger) throws IOException {
        long deadline = System.nanoTime() + linger.toNanos();
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[DISCARD_BUFFER];
        while (true) {
            long leftMillis = (deadline - System.nanoTime() + 999_999) / 1_000_000;
            if (leftMillis <= 0) {
                return; // the client had its chance to read the reply; close anyway
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
            try {
                if (in.read(sink) < 0) {
                    return; // the client closed: an orderly close on both sides
                }
            } catch (SocketTimeoutException e) {
                return;
            }
        }
    }
}
