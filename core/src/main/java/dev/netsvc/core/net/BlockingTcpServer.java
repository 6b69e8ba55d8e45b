package dev.netsvc.core.net;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.internal.Sockets;
import dev.netsvc.core.Counters;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.TlsContext;
import dev.netsvc.core.frame.FrameException;
import dev.netsvc.core.internal.HandlerFailures;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP server with one virtual thread per connection: the classic {@code accept(); serve(conn)} loop
 * made safe. One platform thread accepts, and takes a connection permit ({@link ConnectionPermits})
 * <em>before</em> it accepts, so at most {@code maxConnections} are served and the rest wait in the
 * kernel's backlog instead of in memory. Every accepted socket goes through the service's
 * {@link AcceptPath} first (access list, per-source limits), like every other TCP engine's. The handler
 * gets a {@link TcpConnection}.
 *
 * <p>Deadlines are one {@link DeadlineSweep} on the service's clock: it closes a connection on which no
 * read or write has completed for the idle timeout (a read waiting for a silent client, or a write
 * waiting for one that stopped reading; the blocked call then fails), and wakes a read whose
 * {@link TcpConnection#readDeadline} passed. A sweep replaces a socket timeout on every read, which would
 * make each read a timed park and nearly double the cost of a small request on a virtual thread.
 *
 * <p>Stopping ends the accept loop, then ends the input of every open connection: handlers see end of
 * input, finish what they were doing and return. Whatever is still open after the grace period is
 * closed ({@link GracefulStop}). The listening socket comes from the host (its own under the launcher) and
 * goes back there: when a plugin is replaced, the next version accepts from the same socket, so the
 * accept loop waits on a selector of its own with a short timeout ({@link #ACCEPT_POLL_MILLIS}) instead of
 * being ended by closing the socket, and a connection it accepted is served even when stop has begun
 * (it has left the shared queue: it is ours).
 */
public final class BlockingTcpServer implements RunningService {

    /** Serves one connection, on its own virtual thread; returns (or throws) when done. The server closes it afterwards. */
    @FunctionalInterface
    public interface Handler {
        void serve(TcpConnection connection) throws IOException;
    }

    /**
     * @param maxConnections connections served at once; further clients wait in the listen backlog
     * @param idleTimeout    how long a connection may go without a read or write completing; zero means forever
     * @param backlog        listen backlog
     */
    public record Limits(int maxConnections, Duration idleTimeout, int backlog) {
        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1");
            }
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must not be negative");
            }
        }

        public Limits(int maxConnections, Duration idleTimeout) {
            this(maxConnections, idleTimeout, Sockets.DEFAULT_BACKLOG);
        }
    }

    /** How often the accept loop looks up from accept() to see whether it should stop. */
    static final int ACCEPT_POLL_MILLIS = 200;

    private final ServiceContext context;
    private final Logger log;
    private final Handler handler;
    private final ServerSocketChannel server;
    private final Endpoint endpoint;
    private final long idleMillis;
    private final Set<TcpConnection> open = ConcurrentHashMap.newKeySet();
    private final AcceptPath acceptPath;
    private final ConnectionPermits permits;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Object acceptLock = new Object(); // no accept once acceptEnded is set under it
    private volatile boolean acceptEnded;
    private volatile Selector acceptSelector; // the acceptor's, to wake it up
    private Boolean handedOver; // whether the listening socket went on to a new copy; set once, under acceptLock
    private final Thread acceptor;
    private final String connectionThreads; // one name for every connection's thread: no string per thread
    private final DeadlineSweep<TcpConnection> sweep;
    private final LongAdder idleClosed;
    private final LongAdder failed;
    private final TlsContext tls; // null: plain TCP

    private BlockingTcpServer(ServiceContext context, Limits limits, Handler handler, ServerSocketChannel server) {
        this.context = context;
        this.log = context.log();
        this.handler = handler;
        this.server = server;
        this.endpoint = new Endpoint(Transport.TCP, (InetSocketAddress) server.socket().getLocalSocketAddress());
        this.idleMillis = limits.idleTimeout().toMillis();
        this.acceptPath = AcceptPath.of(context, endpoint.toString());
        this.tls = TlsContext.of(context);
        this.acceptor = Thread.ofPlatform().name(context.serviceId() + "-accept").daemon(true).unstarted(this::accept);
        this.permits = new ConnectionPermits(limits.maxConnections(), acceptPath, () -> LockSupport.unpark(acceptor));
        this.connectionThreads = context.serviceId() + "-conn";
        this.idleClosed = context.counters().counter(Counters.TCP_IDLE_TIMEOUT);
        this.failed = context.counters().counter(Counters.TCP_FAILED);
        this.sweep = DeadlineSweep.start(context.serviceId() + "-deadlines", context.clock(),
                DeadlineSweep.tickFor(limits.idleTimeout()), open, c -> c.deadline(idleMillis), this::expire);
    }

    /**
     * Binds {@code context.address()} and starts accepting.
     *
     * @throws dev.netsvc.core.ConfigException when the service's TLS or PROXY settings cannot be used
     */
    public static BlockingTcpServer start(ServiceContext context, Limits limits, Handler handler) throws IOException {
        ServerSocketChannel server = HostAccess.listeners(context).tcpChannel(context.address(), limits.backlog());
        BlockingTcpServer tcp;
        try {
            tcp = new BlockingTcpServer(context, limits, handler, server);
        } catch (RuntimeException e) {
            HostAccess.listeners(context).release(server);
            throw e;
        }
        tcp.acceptor.start();
        return tcp;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(endpoint);
    }

    /** Connections being served right now. */
    public int openConnections() {
        return open.size();
    }

    long now() {
        return context.clock().millis();
    }

    Logger log() {
        return log;
    }

    // ---- accepting ---------------------------------------------------------------------------------

    /** The accepting thread: a loop that ends other than by {@link #stopAccepting} or {@link #stop} is the service's death. */
    private void accept() {
        try (Selector selector = Selector.open()) {
            acceptSelector = selector;
            server.register(selector, SelectionKey.OP_ACCEPT);
            acceptLoop(selector);
        } catch (IOException | RuntimeException | Error e) {
            if (!acceptEnded) {
                context.failed(e);
            }
            return;
        }
        if (!acceptEnded) {
            context.failed(new IOException("the listening socket " + endpoint() + " was closed"));
        }
    }

    private void acceptLoop(Selector selector) {
        while (!acceptEnded) {
            if (!permits.tryTake()) {
                // a closing connection unparks us; the poll looks at the stop flag
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ACCEPT_POLL_MILLIS));
                continue;
            }
            SocketChannel channel;
            try {
                channel = acceptOrWait(selector);
            } catch (IOException e) {
                permits.release();
                if (acceptEnded || !server.isOpen()) {
                    return;
                }
                // e.g. EMFILE (too many open files): back off, keep serving the others, retry
                pause(acceptPath.acceptFailed(e));
                continue;
            }
            if (channel == null) {
                permits.release(); // nobody came: look at the stop flag again
                continue;
            }
            serve(channel); // even if stop() began meanwhile: stop() waits for this loop to end first
        }
    }

    /**
     * A connection from the listen queue, waiting for one at most {@link #ACCEPT_POLL_MILLIS}; null when none
     * came (or another copy of the service sharing the socket took it).
     */
    private SocketChannel acceptOrWait(Selector selector) throws IOException {
        SocketChannel channel = acceptNow();
        if (channel != null) {
            return channel;
        }
        selector.select(ACCEPT_POLL_MILLIS);
        selector.selectedKeys().clear();
        return acceptNow();
    }

    /** A waiting connection, unless accepting has ended: then none, even from a socket still open. */
    private SocketChannel acceptNow() throws IOException {
        synchronized (acceptLock) {
            return acceptEnded ? null : server.accept();
        }
    }

    /** Admits {@code channel} and starts its thread; a refused or broken one gives its permit back. */
    private void serve(SocketChannel channel) {
        AcceptPath.Ticket ticket = acceptPath.admit(channel, permits);
        if (ticket == null) {
            return; // refused: reset and closed without a byte, its permit given back
        }
        TcpConnection connection;
        try {
            channel.configureBlocking(true);
            connection = new TcpConnection(channel, this, ticket);
        } catch (IOException e) { // it went away meanwhile
            Sockets.closeQuietly(channel);
            ticket.release();
            return;
        }
        open.add(connection);
        Thread.ofVirtual().name(connectionThreads).start(new Served(connection));
    }

    /**
     * One connection's thread. A class rather than a lambda calling a method: a thread parked in a read
     * keeps every frame below it on its stack, and this is one frame instead of three.
     */
    private final class Served implements Runnable {
        private final TcpConnection connection;

        Served(TcpConnection connection) {
            this.connection = connection;
        }

        @Override
        public void run() {
            try {
                Sockets.tuneAccepted(connection.channel()); // here, not on the one thread that accepts
                if (!connection.prepare(acceptPath.proxyTimeoutMillis(), tls)) {
                    return; // refused by its PROXY header, or its TLS handshake failed: counted
                }
                handler.serve(connection);
                connection.finish();
            } catch (FrameException e) {
                context.counters().counter(e.tcpCounter()).increment(); // the client's input, not our failure
                log.debug("closing {}: {}", connection, e.getMessage());
            } catch (SocketTimeoutException e) {
                idleClosed.increment(); // a read deadline of the handler's passed, and it gave up
                log.debug("closing {}: {}", connection, e.getMessage());
            } catch (IOException e) {
                if (!SocketErrors.isDisconnect(e) && !stopping.get()) {
                    failed.increment();
                    connection.ticket.failed(e.toString());
                    log.info("{} failed: {}", connection, e.toString());
                }
            } catch (RuntimeException | Error e) {
                failed.increment();
                connection.ticket.failed("the handler failed: " + e);
                HandlerFailures.log(log, connection, e);
            } finally {
                closed(connection);
            }
        }
    }

    private void closed(TcpConnection connection) {
        connection.close();
        if (open.remove(connection)) {
            connection.ticket.release();
            GracefulStop.removed(open); // stop() may wait for the last one
        }
    }

    /** On the sweep's thread: a read deadline passed, or the connection has been idle too long. */
    private void expire(TcpConnection connection) {
        if (connection.readDeadline <= now()) {
            connection.expireRead();
        } else if (connection.isOpen()) {
            idleClosed.increment();
            log.debug("closing idle {}", connection);
            connection.close(); // its handler's blocked read or write fails
        }
    }

    // ---- stopping ----------------------------------------------------------------------------------

    /**
     * Accepts nothing more from the listening socket, which goes back to the host (a
     * newer copy of the service may go on accepting from it); the open connections go on until
     * {@link #stop}. Returns once the accepting thread has ended (within a second).
     */
    @Override
    public void stopAccepting() {
        endAccepting();
    }

    /** Ends the accept loop and gives the socket back, once; true when a newer copy accepts from it now. */
    private boolean endAccepting() {
        synchronized (acceptLock) {
            if (handedOver != null) {
                return handedOver;
            }
            acceptEnded = true; // from here on acceptNow() accepts nothing
        }
        LockSupport.unpark(acceptor);
        Selector selector = acceptSelector;
        if (selector != null) {
            selector.wakeup();
        }
        // the loop ends within one accept poll; waiting for it (even past a zero grace) means every
        // connection it accepted is in 'open' before a stop ends their input
        try {
            acceptor.join(Duration.ofMillis(5L * ACCEPT_POLL_MILLIS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (acceptLock) {
            if (handedOver == null) {
                handedOver = HostAccess.listeners(context).release(server);
            }
            return handedOver;
        }
    }

    /**
     * Stops accepting (if {@link #stopAccepting} did not already), lets handlers finish (their input ends,
     * so they see end of input), and after {@code grace} closes what is left ({@link GracefulStop}).
     * Returns when every connection's thread has ended.
     */
    @Override
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        if (!GracefulStop.run(grace, new Stopping())) {
            log.warn("{} connection threads still running after stop", open.size());
        }
    }

    /** The stop steps of threads per connection. */
    private final class Stopping extends GracefulStop.ConnectionSet<TcpConnection> {
        Stopping() {
            super(open, sweep);
        }

        @Override
        public boolean stopAccepting(long graceDeadlineNanos) {
            return endAccepting();
        }

        @Override
        protected void endInput(TcpConnection connection) {
            connection.endInput();
        }

        @Override
        protected void close(TcpConnection connection) {
            connection.close();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // not synchronisation: a back-off so EMFILE does not spin the CPU
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
