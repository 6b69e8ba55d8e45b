package dev.netsvc.http;

import dev.netsvc.core.Endpoint;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.nio.CloseReason;
import dev.netsvc.core.nio.Connection;
import dev.netsvc.core.nio.ConnectionHandler;
import dev.netsvc.core.nio.NioOptions;
import dev.netsvc.core.nio.NioTcpServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code http.io=selector} (the default): core's {@link NioTcpServer}, a few event loops serving every
 * connection, each connection's {@link HttpConnection} driven by a {@link Handler} on its loop. The
 * loops time out idle connections; core's {@link DeadlineSweep} times out requests (the request
 * timeout runs from a request's first byte, which the loops' activity order does not know).
 */
final class SelectorTransport {

    private final NioTcpServer tcp;
    private final DeadlineSweep<Handler> requestTimeouts;

    private SelectorTransport(NioTcpServer tcp, DeadlineSweep<Handler> requestTimeouts) {
        this.tcp = tcp;
        this.requestTimeouts = requestTimeouts;
    }

    static SelectorTransport start(ServiceContext context, HttpSettings settings, FileServer files) throws IOException {
        NioOptions options = NioOptions.defaults()
                .withLoops(settings.loops())
                .withMaxConnections(settings.maxConnections())
                .withIdleTimeout(settings.idleTimeout());
        Set<Handler> watched = ConcurrentHashMap.newKeySet();
        DeadlineSweep<Handler> sweep = DeadlineSweep.start(context.serviceId() + "-request-timeout", context.clock(),
                DeadlineSweep.tickFor(settings.requestTimeout()), watched, Handler::deadline, Handler::expire);
        try {
            return new SelectorTransport(NioTcpServer.start(context, options,
                    connection -> new Handler(connection, settings, files, watched, context.clock())), sweep);
        } catch (IOException | RuntimeException e) {
            sweep.stop();
            throw e;
        }
    }

    Endpoint endpoint() {
        return tcp.endpoint();
    }

    /** Accepts nothing more; the open connections go on until {@link #stop}. */
    void stopAccepting() {
        tcp.stopAccepting();
    }

    /** Stops the server, then the request timeouts. */
    void stop(Duration grace) {
        try {
            tcp.stop(grace);
        } finally {
            requestTimeouts.stop();
        }
    }

    /**
     * One connection on its event loop. Input is copied into the connection's {@link Inbox} and parsed;
     * responses gather in the {@link Outbox} and go to the connection. While the client does not take
     * them, input is suspended, so neither side can make the server buffer without end.
     * <pre>
     *   reading ──outbox blocked──► blocked (input suspended) ──output drained──► reading
     *      └── error, Connection: close, end of input, request timeout ──► closing ──outbox written──► closed
     * </pre>
     */
    static final class Handler implements ConnectionHandler {

        private final Connection connection;
        private final HttpConnection http;
        private final Inbox inbox;
        private final Outbox outbox;
        private final ConnectionChannel channel;
        private final Set<Handler> watched;
        private final Clock clock;
        private final long requestTimeoutMillis;
        private volatile long requestDeadline = DeadlineSweep.NONE;
        private boolean blocked;
        private boolean inputEnded;
        private boolean closing;
        private int unsent; // written to the connection, not yet taken by the socket (for the access log)

        Handler(Connection connection, HttpSettings settings, FileServer files, Set<Handler> watched, Clock clock) {
            this.connection = connection;
            this.http = new HttpConnection(files, settings.limits(), Client.of(connection.remoteAddress(), connection.tls()));
            this.inbox = new Inbox(settings.maxInputBuffer());
            this.outbox = new Outbox(files.accessLog());
            this.channel = new ConnectionChannel(connection);
            this.watched = watched;
            this.clock = clock;
            this.requestTimeoutMillis = settings.requestTimeout().toMillis();
            watched.add(this);
        }

        @Override
        public void onInput(Connection c, ByteBuffer input) throws IOException {
            while (input.hasRemaining() && !blocked && !closing) {
                ByteBuffer room = inbox.writable();
                int n = Math.min(room.remaining(), input.remaining());
                if (n == 0) { // cannot happen: the parser refuses a line before it fills the inbox
                    throw new IllegalStateException("input buffer full at " + room.capacity() + " bytes");
                }
                room.put(room.position(), input, input.position(), n).position(room.position() + n);
                input.position(input.position() + n);
                inbox.filled();
                pump();
            }
            inbox.release(); // an idle connection holds no buffer
        }

        @Override
        public void onEndOfInput(Connection c) throws IOException {
            inputEnded = true;
            pump(); // answers what is complete, then closes
        }

        @Override
        public void onOutputDrained(Connection c) throws IOException {
            unsent = 0;
            outbox.settle(0);
            if (blocked) {
                blocked = false;
                pump();
                if (!blocked && !closing) {
                    connection.resumeInput();
                }
                inbox.release();
            } else if (closing) {
                pump();
            }
        }

        @Override
        public void onClosed(Connection c, CloseReason reason) {
            watched.remove(this);
            // a completed close delivered everything; otherwise what the connection still held is lost
            outbox.clear(reason == CloseReason.COMPLETED ? 0 : unsent);
        }

        /** Writes, parses and answers until input runs out, output blocks or the connection closes. */
        private void pump() throws IOException {
            while (true) {
                if (!outbox.isEmpty() && !write()) {
                    block();
                    return;
                }
                if (closing) {
                    connection.close();
                    return;
                }
                HttpConnection.Next next = http.receive(inbox.buffer(), outbox);
                trackDeadline();
                if (next == HttpConnection.Next.CLOSE || next == HttpConnection.Next.READ && inputEnded) {
                    closing = true;
                } else if (next == HttpConnection.Next.READ) {
                    if (!outbox.isEmpty() && !write()) {
                        block();
                    }
                    return;
                }
            }
        }

        /** Writes the outbox; logs the responses the socket took in full. Returns true when all is written. */
        private boolean write() throws IOException {
            boolean done = outbox.writeTo(channel);
            unsent = connection.pendingOutput();
            outbox.settle(unsent);
            return done;
        }

        private void block() {
            blocked = true;
            requestDeadline = DeadlineSweep.NONE; // waiting on the client's reading now: the idle timeout's job
            connection.suspendInput();
        }

        /** A request in progress must be complete by its deadline; none in progress, no deadline. */
        private void trackDeadline() {
            if (!http.inProgress(inbox.buffer())) {
                if (requestDeadline != DeadlineSweep.NONE) {
                    requestDeadline = DeadlineSweep.NONE;
                }
            } else if (requestDeadline == DeadlineSweep.NONE) {
                requestDeadline = clock.millis() + requestTimeoutMillis;
            }
        }

        /** The request in progress must be complete by then (clock millis), or {@link DeadlineSweep#NONE}. */
        long deadline() {
            return requestDeadline;
        }

        /** Called on the sweep's thread: hands the timeout to the connection's loop. */
        void expire() {
            requestDeadline = DeadlineSweep.NONE; // expire once; the loop decides
            connection.execute(this::timedOut);
        }

        private void timedOut() {
            if (closing || blocked || !connection.isOpen() || !http.inProgress(inbox.buffer())) {
                return; // finished in the meantime, or waiting on the client: not a request timeout
            }
            http.timedOut(inbox.buffer(), outbox);
            closing = true;
            try {
                pump();
            } catch (IOException e) {
                connection.abort();
            }
        }
    }
}
