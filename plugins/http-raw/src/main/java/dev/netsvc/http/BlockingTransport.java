package dev.netsvc.http;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketOutput;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * {@code http.io=blocking}: core's {@link BlockingTcpServer}, one virtual thread per connection. Reads
 * wait with socket timeouts (idle, or what is left of the request's time); responses go out through
 * core's {@link SocketOutput} (large files by {@code sendfile}), and a write that the client does not take
 * within the idle timeout is ended by the server's idle sweep, which closes the socket (a write that does
 * not complete is no activity).
 */
final class BlockingTransport {

    private final Socket socket;
    private final HttpSettings settings;
    private final HttpConnection connection;
    private final Inbox inbox;
    private final Outbox outbox;

    private BlockingTransport(Socket socket, HttpSettings settings, FileServer files) {
        this.socket = socket;
        this.settings = settings;
        this.connection = new HttpConnection(files, settings.limits(), HostPort.formatAddress(socket.getInetAddress(), false));
        this.inbox = new Inbox(settings.maxInputBuffer());
        this.outbox = new Outbox(files.accessLog());
    }

    static BlockingTcpServer start(ServiceContext context, HttpSettings settings, FileServer files) throws IOException {
        return BlockingTcpServer.start(context,
                new BlockingTcpServer.Limits(settings.maxConnections(), settings.idleTimeout()),
                socket -> {
                    BlockingTransport transport = new BlockingTransport(socket, settings, files);
                    try {
                        transport.serve();
                    } finally {
                        transport.outbox.clear(0); // a write that did not return is not counted as sent
                    }
                });
    }

    private void serve() throws IOException {
        InputStream in = socket.getInputStream();
        WritableByteChannel out = new SocketOutputChannel(SocketOutput.of(socket));
        long requestStarted = -1;
        while (true) {
            HttpConnection.Next next = connection.receive(inbox.buffer(), outbox);
            write(out);
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
            int n = waitNanos <= 0 ? 0 : read(in, waitNanos);
            if (n == 0) { // timed out
                connection.timedOut(inbox.buffer(), outbox);
                write(out);
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
    }

    /** Writes the outbox; the idle sweep closes the socket if the client takes nothing for the idle timeout. */
    private void write(WritableByteChannel out) throws IOException {
        if (outbox.isEmpty()) {
            return;
        }
        outbox.writeTo(out);
        outbox.settle(0);
    }

    /** Reads into the inbox; returns the byte count, -1 at end of stream, 0 when {@code waitNanos} passed. */
    private int read(InputStream in, long waitNanos) throws IOException {
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
