package dev.netsvc.core.async;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.internal.TlsContext;
import dev.netsvc.core.frame.FrameException;
import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.internal.AsyncListener;
import dev.netsvc.core.net.BufferBudget;
import dev.netsvc.core.net.ConnectionPermits;
import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.net.GracefulStop;
import dev.netsvc.core.internal.Sockets;
import dev.netsvc.core.internal.HandlerFailures;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP server on NIO.2 asynchronous channels: completion handlers on one channel group of
 * {@code threads} threads, one read or write in flight per connection, a protocol plugged in as an
 * {@link AsyncHandler}. The listening socket and its group come from the host
 * (a listener of its own): the host keeps them across a plugin replacement, so the new version accepts
 * from the same socket and no client is refused.
 *
 * <p>Like core's other engines: one accept is asked for at a time, and only once a connection permit is
 * held ({@link ConnectionPermits}), so at the limit further clients wait in the kernel's backlog; every
 * accepted connection goes through the service's {@link AcceptPath}; connections idle for longer than
 * the timeout are closed by a {@link DeadlineSweep} on the service's clock; {@link #stop} follows
 * {@link GracefulStop}. Memory per connection is one read buffer, {@link BufferBudget#INITIAL} bytes when
 * idle, growing under load within the shared {@code bufferBudget}.
 * <pre>{@code
 * AsyncHandler echo = (connection, input) -> connection.write(input);
 * AsyncTcpServer server = AsyncTcpServer.start(context, limits, connection -> echo);
 * }</pre>
 */
public final class AsyncTcpServer implements RunningService {

    /**
     * @param threads        threads of the channel group that run the completion handlers
     * @param maxConnections connections served at once; further clients wait in the listen backlog
     * @param idleTimeout    how long a connection may go without a read or write completing; zero means forever
     * @param maxBuffer      the largest read buffer of one connection
     * @param bufferBudget   what all connections' buffers may grow into together, beyond their initial size
     */
    public record Limits(int threads, int maxConnections, Duration idleTimeout, int maxBuffer, long bufferBudget) {
        public Limits {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must not be negative");
            }
        }
    }

    private final ServiceContext context;
    private final Logger log;
    private final AsyncHandler.Factory handlers;
    private final AsyncListener listener;
    private final Endpoint endpoint;
    private final BufferBudget buffers;
    private final Set<ChannelConnection> open = ConcurrentHashMap.newKeySet();
    private final AcceptPath acceptPath;
    private final ConnectionPermits permits;
    private final DeadlineSweep<ChannelConnection> sweep;
    private final LongAdder idleClosed;
    private final LongAdder failed;
    private final TlsContext tls; // null: plain TCP
    private volatile boolean stopping;
    private volatile boolean acceptEnded;
    private Boolean handedOver; // whether the listener went on to a new copy; set once, guarded by this
    private volatile Thread retry; // the back-off after a failed accept, while one waits

    private final CompletionHandler<AsynchronousSocketChannel, Void> onAccept = new CompletionHandler<>() {
        @Override
        public void completed(AsynchronousSocketChannel channel, Void unused) {
            serve(channel);
            acceptNext();
        }

        @Override
        public void failed(Throwable t, Void unused) {
            permits.release();
            if (!stopping) {
                // e.g. EMFILE (out of file descriptors): back off instead of spinning, then accept again
                long pause = acceptPath.acceptFailed(t instanceof IOException e ? e : new IOException(t.toString(), t));
                retry = Thread.ofVirtual().name(context.serviceId() + "-accept-retry").start(() -> {
                    try {
                        Thread.sleep(pause); // not synchronisation: a back-off so EMFILE does not spin the CPU
                        acceptNext();
                    } catch (InterruptedException e) {
                        // stopping
                    }
                });
            }
        }
    };

    private AsyncTcpServer(ServiceContext context, Limits limits, AsyncHandler.Factory handlers, AsyncListener listener) {
        this.context = context;
        this.log = context.log();
        this.handlers = handlers;
        this.listener = listener;
        this.endpoint = new Endpoint(Transport.TCP, listener.localAddress());
        this.buffers = new BufferBudget(limits.maxBuffer(), limits.bufferBudget());
        this.acceptPath = AcceptPath.of(context, endpoint.toString());
        this.permits = new ConnectionPermits(limits.maxConnections(), acceptPath, this::acceptNext);
        this.idleClosed = context.counters().counter(Counters.TCP_IDLE_TIMEOUT);
        this.failed = context.counters().counter(Counters.TCP_FAILED);
        this.tls = TlsContext.of(context);
        long idleMillis = limits.idleTimeout().toMillis();
        this.sweep = DeadlineSweep.start(context.serviceId() + "-idle", context.clock(),
                DeadlineSweep.tickFor(shortest(limits.idleTimeout())), open, c -> c.deadline(idleMillis), this::expire);
    }

    /**
     * Listens on {@code context.address()} and starts accepting; on failure nothing is left open.
     *
     * @throws dev.netsvc.core.ConfigException when the service's TLS or PROXY settings cannot be used
     */
    public static AsyncTcpServer start(ServiceContext context, Limits limits, AsyncHandler.Factory handlers)
            throws IOException {
        AsyncListener listener = HostAccess.listeners(context).tcpAsync(context.address(), Sockets.DEFAULT_BACKLOG,
                limits.threads(), context.serviceId());
        AsyncTcpServer server;
        try {
            server = new AsyncTcpServer(context, limits, handlers, listener);
        } catch (RuntimeException e) {
            HostAccess.listeners(context).release(listener);
            throw e;
        }
        server.acceptNext();
        return server;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(endpoint);
    }

    /** Connections open right now. */
    public int openConnections() {
        return open.size();
    }

    // ---- accepting ---------------------------------------------------------------------------------

    /** Asks for the next connection once a permit is held; at the limit, a closing connection calls this again. */
    private void acceptNext() {
        if (acceptEnded || !permits.tryTake()) {
            return;
        }
        try {
            listener.accept(onAccept);
        } catch (RuntimeException e) { // the listener was released: we are stopping
            permits.release();
        }
    }

    private void serve(AsynchronousSocketChannel channel) {
        AcceptPath.Ticket ticket = acceptPath.admit(channel, permits);
        if (ticket == null) {
            return; // refused: reset and closed without a byte, its permit given back
        }
        ChannelConnection connection;
        try {
            Sockets.tuneAccepted(channel);
            connection = new ChannelConnection(this, channel, ticket.client(), ticket, tls == null ? null : tls.newSession());
        } catch (IOException e) { // it went away meanwhile
            Sockets.closeQuietly(channel);
            ticket.release();
            return;
        }
        // stop() releases the listener before it looks at the open connections, and no connection is
        // handed to us after the release: one handed over while stopping is served like the others
        open.add(connection);
        connection.start(handlers); // its handler once its PROXY header and TLS handshake are done
    }

    /** The tick of the sweep: a tenth of the shortest of the idle, PROXY header and handshake timeouts. */
    private Duration shortest(Duration idle) {
        long shortest = idle.toMillis() == 0 ? Long.MAX_VALUE : idle.toMillis();
        if (acceptPath.proxyTimeoutMillis() > 0) {
            shortest = Math.min(shortest, acceptPath.proxyTimeoutMillis());
        }
        if (tls != null) {
            shortest = Math.min(shortest, tls.handshakeTimeoutMillis());
        }
        return shortest == Long.MAX_VALUE ? Duration.ZERO : Duration.ofMillis(shortest);
    }

    // ---- for the connections -----------------------------------------------------------------------

    long now() {
        return context.clock().millis();
    }

    BufferBudget buffers() {
        return buffers;
    }

    TlsContext tls() {
        return tls;
    }

    long proxyTimeoutMillis() {
        return acceptPath.proxyTimeoutMillis();
    }

    Logger log() {
        return log;
    }

    /** A connection ended on an error: a client that went away is normal, anything else is counted. */
    void failed(ChannelConnection connection, boolean disconnect, Throwable t) {
        if (t instanceof FrameException e) { // the client's input, not our failure
            context.counters().counter(e.tcpCounter()).increment();
            log.debug("closing {}: {}", connection, e.getMessage());
        } else if (disconnect) {
            log.debug("{} ended: {}", connection, t.toString());
        } else if (t instanceof IOException) {
            failed.increment();
            connection.ticket().failed(t.toString());
            log.info("{} failed: {}", connection, t.toString());
        } else {
            failed.increment();
            connection.ticket().failed("the handler failed: " + t);
            HandlerFailures.log(log, connection, t);
        }
    }

    void closed(ChannelConnection connection) {
        if (open.remove(connection)) {
            connection.ticket().release();
            GracefulStop.removed(open); // stop() may wait for the last one
        }
    }

    /** A deadline passed: the idle timeout's is counted; a late PROXY header or handshake is counted as such. */
    private void expire(ChannelConnection connection) {
        if (connection.expire()) {
            idleClosed.increment();
        }
    }

    // ---- stopping ----------------------------------------------------------------------------------

    /**
     * Accepts nothing more: the listener goes back to the host, which hands no further
     * connection to this copy once this returns (a newer copy may go on accepting from the socket); the
     * open connections go on until {@link #stop}.
     */
    @Override
    public void stopAccepting() {
        endAccepting();
    }

    /** Gives the listener back, once; true when a newer copy accepts from the socket now. */
    private synchronized boolean endAccepting() {
        if (handedOver == null) {
            acceptEnded = true;
            // returns once no connection is being handed to us
            handedOver = HostAccess.listeners(context).release(listener);
        }
        return handedOver;
    }

    /**
     * Stops accepting and gives the listener back. On shutdown it then ends every connection's input so
     * each finishes what it has and closes; when a replacing version accepts from the socket instead, the
     * connections finish by themselves first (their clients are mid-stream). Whatever is left after
     * {@code grace} is closed ({@link GracefulStop}). The connections' threads are the host's channel
     * group's, which outlives this version; once this returns no connection of this version is left on
     * them. Calling it twice is harmless.
     */
    @Override
    public void stop(Duration grace) {
        if (stopping) {
            return;
        }
        stopping = true;
        if (!GracefulStop.run(grace, new Stopping())) {
            log.warn("{}: the accept back-off still running after stop", context.serviceId());
        }
    }

    /** The stop steps of a channel group the host holds. */
    private final class Stopping extends GracefulStop.ConnectionSet<ChannelConnection> {
        Stopping() {
            super(open, sweep);
        }

        @Override
        public boolean stopAccepting(long graceDeadlineNanos) {
            return endAccepting();
        }

        @Override
        protected void endInput(ChannelConnection connection) {
            connection.endInput();
        }

        @Override
        protected void close(ChannelConnection connection) {
            connection.closeNow();
        }

        /** The group's threads are the host's: what is ours is the accept back-off, if one waits. */
        @Override
        public boolean awaitThreads(long deadlineNanos) {
            Thread waiting = retry;
            if (waiting == null) {
                return true;
            }
            waiting.interrupt();
            try {
                return waiting.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
