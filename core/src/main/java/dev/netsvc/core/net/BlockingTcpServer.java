package dev.netsvc.core.net;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP server with one virtual thread per connection: the classic {@code accept(); serve(conn)} loop
 * made safe. One platform thread accepts, and takes a connection permit <em>before</em> it accepts, so
 * at most {@code maxConnections} are served and the rest wait in the kernel's backlog instead of in
 * memory. Each connection has an idle timeout: a sweep on the service's clock closes a connection on
 * which no read or write has completed for that long (a read waiting for a silent client, or a write
 * waiting for one that stopped reading), and the handler's blocked call then fails. The sweep replaces
 * a read timeout on every socket, which would make each read a timed park and nearly double the cost of
 * a small request on a virtual thread ({@link DeadlineSweep#idle}). Every accepted socket goes through the
 * service's {@link AcceptPath} first (access list, per-source limits), like every other TCP engine's.
 *
 * <p>Stopping ends the accept loop, then shuts down the input of every open connection: handlers see end
 * of stream, finish what they were doing and return. Whatever is still open after the grace period is
 * closed. The listening socket comes from {@link ServiceContext#listeners()} and goes back there: when a
 * plugin is replaced, the next version accepts from the same socket, so the accept loop waits on a
 * selector of its own with a short timeout ({@link #ACCEPT_POLL_MILLIS}) instead of being ended by closing
 * the socket, and a connection it accepted is served even when stop has begun (it has left the shared
 * queue: it is ours).
 *
 * <p>Each connection is a blocking {@link SocketChannel}; the handler gets it as a {@link Socket} whose
 * {@link Socket#getChannel()} is that channel, so a file can go to it by {@code sendfile}
 * ({@link SocketOutput}).
 */
public final class BlockingTcpServer {

    /**
     * Serves one connection; returns (or throws) when done. The server closes the socket afterwards. Write
     * buffers and files through {@link SocketOutput#of} rather than {@code getChannel()} directly: the
     * channel's own writes are not seen by the idle sweep.
     */
    @FunctionalInterface
    public interface Handler {
        void serve(Socket socket) throws IOException;
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
    private final Limits limits;
    private final Handler handler;
    private final ServerSocketChannel server;
    private final Endpoint endpoint;
    private final Semaphore permits;
    private final Map<Socket, Thread> open = new ConcurrentHashMap<>();
    private final Map<Socket, AcceptPath.Ticket> tickets = new ConcurrentHashMap<>();
    private final AcceptPath acceptPath;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread acceptor;
    private volatile DeadlineSweep<Socket> sweep; // null when there is no idle timeout
    private final LongAdder idleClosed;
    private final LongAdder failed;

    private BlockingTcpServer(ServiceContext context, Limits limits, Handler handler, ServerSocketChannel server) {
        this.context = context;
        this.log = context.log();
        this.limits = limits;
        this.handler = handler;
        this.server = server;
        this.endpoint = new Endpoint(Transport.TCP, (InetSocketAddress) server.socket().getLocalSocketAddress());
        this.permits = new Semaphore(limits.maxConnections());
        this.acceptPath = AcceptPath.of(context, endpoint.toString());
        this.idleClosed = context.counters().counter(Counters.TCP_IDLE_TIMEOUT);
        this.failed = context.counters().counter(Counters.TCP_FAILED);
        this.acceptor = Thread.ofPlatform().name(context.serviceId() + "-accept").daemon(true).unstarted(this::accept);
    }

    /** Binds {@code context.address()} and starts accepting. */
    public static BlockingTcpServer start(ServiceContext context, Limits limits, Handler handler) throws IOException {
        ServerSocketChannel server = context.listeners().tcpChannel(context.address(), limits.backlog());
        BlockingTcpServer tcp = new BlockingTcpServer(context, limits, handler, server);
        if (!limits.idleTimeout().isZero()) {
            tcp.sweep = DeadlineSweep.idle(context.serviceId() + "-idle", context.clock(), limits.idleTimeout(),
                    tcp.open.keySet(), s -> ((ActivitySocket) s).lastActivity(), tcp::closeIdle);
        }
        tcp.acceptor.start();
        return tcp;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Connections being served right now. */
    public int openConnections() {
        return open.size();
    }

    /** The accepting thread: a loop that ends other than by {@link #stop} is the service's death. */
    private void accept() {
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            acceptLoop(selector);
        } catch (IOException | RuntimeException | Error e) {
            if (!stopping.get()) {
                context.failed(e);
            }
            return;
        }
        if (!stopping.get()) {
            context.failed(new IOException("the listening socket " + endpoint() + " was closed"));
        }
    }

    private void acceptLoop(Selector selector) {
        long n = 0;
        boolean atLimit = false; // count each time the limit is reached, not each poll while at it
        while (!stopping.get()) {
            try {
                if (!permits.tryAcquire()) {
                    if (!atLimit) {
                        atLimit = true;
                        acceptPath.limitReached(); // clients wait in the backlog until a connection closes
                    }
                    if (!permits.tryAcquire(ACCEPT_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                        continue; // look at the stop flag again
                    }
                }
                atLimit = false;
            } catch (InterruptedException e) {
                return;
            }
            SocketChannel channel;
            try {
                channel = acceptOrWait(selector);
            } catch (IOException e) {
                permits.release();
                if (stopping.get() || !server.isOpen()) {
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
            AcceptPath.Ticket ticket = acceptPath.admit(channel);
            if (ticket == null) { // refused: already reset and closed, without a byte
                permits.release();
                continue;
            }
            Socket socket;
            try {
                channel.configureBlocking(true);
                socket = new ActivitySocket(channel, context.clock());
            } catch (IOException e) { // it went away meanwhile
                Sockets.closeQuietly(channel);
                ticket.release();
                permits.release();
                continue;
            }
            tickets.put(socket, ticket);
            Thread worker = Thread.ofVirtual().name(context.serviceId() + "-conn-" + (++n)).unstarted(() -> serve(socket));
            open.put(socket, worker);
            worker.start(); // served even if stop() began meanwhile: stop() waits for this loop to end first
        }
    }

    /**
     * A connection from the listen queue, waiting for one at most {@link #ACCEPT_POLL_MILLIS}; null when none
     * came (or another copy of the service sharing the socket took it).
     */
    private SocketChannel acceptOrWait(Selector selector) throws IOException {
        SocketChannel channel = server.accept();
        if (channel != null) {
            return channel;
        }
        selector.select(ACCEPT_POLL_MILLIS);
        selector.selectedKeys().clear();
        return server.accept();
    }

    private void serve(Socket socket) {
        try {
            Sockets.tuneAccepted(socket);
            handler.serve(socket);
        } catch (SocketTimeoutException e) {
            idleClosed.increment(); // the handler set a read timeout of its own
            log.debug("closing idle connection from {}", socket.getRemoteSocketAddress());
        } catch (IOException e) {
            if (!SocketErrors.isDisconnect(e) && !stopping.get()) {
                failed.increment();
                log.info("connection from {} failed: {}", socket.getRemoteSocketAddress(), e.toString());
            }
        } catch (RuntimeException | Error e) {
            failed.increment();
            log.error("handler failed on connection from {}", socket.getRemoteSocketAddress(), e);
        } finally {
            close(socket);
        }
    }

    /** The idle sweep found {@code socket} idle: closing it makes its handler's blocked read or write fail. */
    private void closeIdle(Socket socket) {
        if (!socket.isClosed()) {
            idleClosed.increment();
            log.debug("closing idle connection from {}", socket.getRemoteSocketAddress());
            Sockets.closeQuietly(socket);
        }
    }

    private void close(Socket socket) {
        Sockets.closeQuietly(socket);
        AcceptPath.Ticket ticket = tickets.remove(socket);
        if (ticket != null) {
            ticket.release();
        }
        if (open.remove(socket) != null) {
            permits.release();
        }
    }

    /**
     * Stops accepting, lets handlers finish (their input is shut down so they see end of stream), and
     * after {@code grace} closes what is left ({@link GracefulStop}). Returns when every connection
     * thread has ended.
     */
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        if (!GracefulStop.run(grace, new Stopping())) {
            log.warn("{} connection threads still running after stop", open.size());
        }
    }

    /** The stop steps of threads per connection. */
    private final class Stopping implements GracefulStop.Steps {
        @Override
        public boolean stopAccepting(long graceDeadlineNanos) {
            // the loop ends within one accept poll; waiting for it (even past a zero grace) means every
            // connection it accepted is in 'open' before their input is shut down
            join(acceptor, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5L * ACCEPT_POLL_MILLIS));
            return context.listeners().release(server);
        }

        @Override
        public void endInput() {
            if (sweep != null) {
                sweep.stop();
            }
            for (Socket socket : open.keySet()) {
                try {
                    socket.shutdownInput();
                } catch (IOException ignored) {
                    // already closed by its handler
                }
            }
        }

        @Override
        public boolean awaitConnections(long deadlineNanos) {
            for (Thread worker : open.values()) {
                join(worker, deadlineNanos);
            }
            return open.isEmpty();
        }

        @Override
        public void closeAll() {
            for (Socket socket : open.keySet()) {
                Sockets.closeQuietly(socket);
            }
        }

        @Override
        public boolean awaitThreads(long deadlineNanos) {
            return awaitConnections(deadlineNanos);
        }
    }

    private static void join(Thread thread, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            thread.join(Duration.ofNanos(left));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
