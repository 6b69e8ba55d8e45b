package dev.netsvc.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Closing after a response without destroying it: closing a socket with unread input makes the kernel
 * send a reset, which can discard the response before the client reads it (a 413 while the client is
 * still sending its body, say). So: send FIN, read and discard what is still coming for a short,
 * bounded while, then close (RFC 9112 §9.6).
 */
final class Lingering {

    static final int MAX_MILLIS = 2000;
    static final int MAX_BYTES = 256 * 1024;

    private Lingering() {
    }

    /** Half-closes {@code socket} and drains its input until end of stream or the bounds; never throws. */
    static void close(Socket socket) {
        try {
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            long deadline = System.nanoTime() + MAX_MILLIS * 1_000_000L;
            int drained = 0;
            while (drained < MAX_BYTES) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                socket.setSoTimeout((int) left);
                int n = in.read(sink);
                if (n < 0) {
                    return;
                }
                drained += n;
            }
        } catch (SocketTimeoutException e) {
            // the client neither closed nor sent more: close anyway
        } catch (IOException e) {
            // already reset or closed: nothing left to protect
        }
    }
}
