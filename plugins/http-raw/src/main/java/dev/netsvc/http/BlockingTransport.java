package dev.netsvc.http;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.TcpConnection;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * {@code http.io=blocking}: core's {@link BlockingTcpServer}, one virtual thread per connection, whose
 * deadlines are the server's one sweep on the service's clock: the idle timeout between requests (and
 * for a client that stops taking a response), and a request's timeout as the connection's read deadline
 * from its first byte. Responses go out through the {@link TcpConnection} (gathered writes, large files by
 * {@code sendfile}).
 */
final class BlockingTransport {

    /** How long a close after a response (an error, Connection: close) waits for the client to stop sending. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private final TcpConnection connection;
    private final HttpSettings settings;
    private final HttpConnection http;
    private final Inbox inbox;
    private final Outbox outbox;

    private BlockingTransport(TcpConnection connection, HttpSettings settings, FileServer files) {
        this.connection = connection;
        this.settings = settings;
        this.http = new HttpConnection(files, settings.limits(), Client.of(connection.remoteAddress(), connection.tls()));
        this.inbox = new Inbox(settings.maxInputBuffer());
        this.outbox = new Outbox(files.accessLog());
    }

    static BlockingTcpServer start(ServiceContext context, HttpSettings settings, FileServer files) throws IOException {
        return BlockingTcpServer.start(context,
                new BlockingTcpServer.Limits(settings.maxConnections(), settings.idleTimeout()),
                connection -> {
                    BlockingTransport transport = new BlockingTransport(connection, settings, files);
                    try {
                        transport.serve();
                    } finally {
                        transport.outbox.clear(0); // a write that did not return is not counted as sent
                    }
                });
    }

    // tag::serve[]
    private void serve() throws IOException {
        while (true) {
            HttpConnection.Next next = http.receive(inbox.buffer(), outbox);
            write();
            if (next == HttpConnection.Next.CLOSE) {
                connection.closeLingering(LINGER);
                return;
            }
            if (next == HttpConnection.Next.WRITE) {
                continue;
            }
            boolean inProgress = http.inProgress(inbox.buffer());
            if (!inProgress) {
                connection.clearReadDeadline(); // between requests: the idle timeout's job
            }
            int n;
            try {
                n = read();
            } catch (SocketTimeoutException e) { // the request did not arrive in time
                http.timedOut(inbox.buffer(), outbox);
                write();
                connection.closeLingering(LINGER);
                return;
            }
            if (n < 0) {
                return; // the client closed; half a request gets no answer
            }
            if (!inProgress) {
                connection.readDeadline(settings.requestTimeout()); // a request began: it has this long
            }
        }
    }
    // end::serve[]

    /** Writes the outbox; the idle sweep closes the connection if the client takes nothing for the idle timeout. */
    private void write() throws IOException {
        if (outbox.isEmpty()) {
            return;
        }
        outbox.writeTo(connection);
        outbox.settle(0);
    }

    /** Reads into the inbox; returns the byte count, -1 at the end of input. */
    private int read() throws IOException {
        try {
            return connection.read(inbox.writable());
        } finally {
            inbox.filled();
        }
    }
}
