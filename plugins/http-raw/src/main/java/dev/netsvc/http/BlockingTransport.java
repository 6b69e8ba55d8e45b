package dev.netsvc.http;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/**
 * {@code http.io=blocking}: core's {@link BlockingTcpServer}, one virtual thread per connection, reads
 * with deadlines. Simple, and fast enough for most uses; docs/operators/http.md says why the selector
 * transport is the default.
 */
final class BlockingTransport {

    private BlockingTransport() {
    }

    static BlockingTcpServer start(ServiceContext context, HttpSettings settings, FileServer files) throws IOException {
        return BlockingTcpServer.start(context,
                new BlockingTcpServer.Limits(settings.maxConnections(), settings.idleTimeout()),
                socket -> serve(socket, settings, files));
    }

    private static void serve(Socket socket, HttpSettings settings, FileServer files) throws IOException {
        HttpConnection connection = new HttpConnection(files, settings.limits(),
                HostPort.formatAddress(socket.getInetAddress(), false));
        InputStream in = socket.getInputStream();
        WritableByteChannel out = Channels.newChannel(socket.getOutputStream());
        Inbox inbox = new Inbox(settings.maxInputBuffer());
        Outbox outbox = new Outbox();
        long requestStarted = -1;
        try {
            while (true) {
                HttpConnection.Next next = connection.receive(inbox.buffer(), outbox);
                outbox.writeTo(out);
                if (next == HttpConnection.Next.CLOSE) {
                    Lingering.close(socket);
                    return;
                }
                if (next == HttpConnection.Next.WRITE) {
                    continue;
                }
                boolean inProgress = connection.inProgress(inbox.buffer());
                long waitNanos = inProgress ? settings.requestTimeout().toNanos() - (System.nanoTime() - requestStarted)
                        : settings.idleTimeout().toNanos();
                int n = waitNanos <= 0 ? 0 : read(socket, in, inbox, waitNanos);
                if (n == 0) { // timed out
                    connection.timedOut(inbox.buffer(), outbox);
                    outbox.writeTo(out);
                    Lingering.close(socket);
                    return;
                }
                if (n < 0) {
                    return; // the client closed; half a request gets no answer
                }
                if (!inProgress) {
                    requestStarted = System.nanoTime();
                }
            }
        } finally {
            outbox.clear();
        }
    }

    /** Reads into the inbox; returns the byte count, -1 at end of stream, 0 when {@code waitNanos} passed. */
    private static int read(Socket socket, InputStream in, Inbox inbox, long waitNanos) throws IOException {
        ByteBuffer room = inbox.writable();
        int n;
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, waitNanos / 1_000_000)));
            n = in.read(room.array(), room.position(), room.remaining());
        } catch (SocketTimeoutException e) {
            n = 0;
        }
        room.position(room.position() + Math.max(0, n));
        inbox.filled();
        return n;
    }
}
