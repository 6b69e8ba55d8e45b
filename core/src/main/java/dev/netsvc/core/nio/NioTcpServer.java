package dev.netsvc.core.nio;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.internal.TlsContext;
import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.net.ConnectionPermits;
import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.net.GracefulStop;
import dev.netsvc.core.internal.Sockets;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP server on NIO selectors: {@link NioOptions#loops()} event loops, each a thread with its own
 * selector, read buffer and idle-timeout order. The first loop also accepts (non-blocking) and hands
 * each new connection to the loop with the fewest. A protocol plugs in as a {@link ConnectionHandler}
 * that consumes input and writes output; the server does the rest: backpressure, half-close, the
 * connection limit, idle timeouts on the service's clock, and closing only the connection that failed.
 * Every accepted socket goes through the service's {@link AcceptPath} (access list, per-source limits)
 * before a loop sees it. When the service expects a PROXY header or serves TLS, a connection's handler is
 * made only once its header is read and its handshake complete, within the deadlines of the keys
 * {@code proxy-timeout} and {@code tls.handshake-timeout} on the service's clock (one
 * {@link DeadlineSweep}, running only then).
 *
 * <pre>{@code
 * NioTcpServer server = NioTcpServer.start(context, NioOptions.defaults(),
 *         connection -> (c, input) -> c.write(input));   // echo
 * }</pre>
 */
public final class NioTcpServer implements RunningService {

    private final ServiceContext context;
    private final NioOptions options;
    private final ConnectionHandler.Factory handlers;
    private final ServerSocketChannel channel;
    private final EventLoop[] loops;
    private final Acceptor acceptor;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean handedOver; // the listening channel stays open: a new version accepts from it
    private boolean acceptEnded; // guarded by this
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AcceptPath acceptPath;
    private final ConnectionPermits permits;
    private final LongAdder idleClosed;
    private final LongAdder failed;
    private final LongAdder inputLimit;
    private final LongAdder malformed;
    private final LongAdder backpressure;
    private final TlsContext tls; // null: plain TCP
    private final Set<NioConnection> preparing = ConcurrentHashMap.newKeySet();
    private final DeadlineSweep<NioConnection> preparations; // null without PROXY and TLS

    private NioTcpServer(ServiceContext context, NioOptions options, ConnectionHandler.Factory handlers,
                         ServerSocketChannel channel) throws IOException {
        this.context = context;
        this.options = options;
        this.handlers = handlers;
        this.channel = channel;
        this.acceptPath = AcceptPath.of(context, new Endpoint(Transport.TCP,
                (InetSocketAddress) channel.socket().getLocalSocketAddress()).toString());
        // the acceptor listens again on its loop once a connection closes at the limit
        this.permits = new ConnectionPermits(options.maxConnections(), acceptPath, this::permitFree);
        this.idleClosed = context.counters().counter(Counters.TCP_IDLE_TIMEOUT);
        this.failed = context.counters().counter(Counters.TCP_FAILED);
        this.inputLimit = context.counters().counter(Counters.TCP_INPUT_LIMIT);
        this.malformed = context.counters().counter(Counters.TCP_MALFORMED);
        this.backpressure = context.counters().counter(Counters.TCP_BACKPRESSURE_PAUSES);
        this.tls = TlsContext.of(context);
        this.loops = new EventLoop[options.loops()];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new EventLoop(this, context.serviceId() + "-loop-" + i, options);
            }
            this.acceptor = new Acceptor(this, channel);
            acceptor.register(loops[0]);
            this.preparations = preparationSweep();
        } catch (IOException | RuntimeException e) {
            for (EventLoop loop : loops) {
                if (loop != null) {
                    Sockets.closeQuietly(loop.selector());
                }
            }
            throw e;
        }
    }

    /** Binds {@code context.address()} and starts the loops; on failure everything opened is closed again. */
    public static NioTcpServer start(ServiceContext context, NioOptions options, ConnectionHandler.Factory handlers)
            throws IOException {
        ServerSocketChannel channel = HostAccess.listeners(context).tcpChannel(context.address(), options.backlog());
        NioTcpServer server;
        try {
            server = new NioTcpServer(context, options, handlers, channel);
        } catch (IOException | RuntimeException e) {
            HostAccess.listeners(context).release(channel);
            throw e;
        }
        for (EventLoop loop : server.loops) {
            loop.start();
        }
        return server;
    }

    public Endpoint endpoint() {
        return new Endpoint(Transport.TCP, (InetSocketAddress) channel.socket().getLocalSocketAddress());
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(endpoint());
    }

    /**
     * Accepts nothing more from the listening socket, which goes back to the host (a
     * newer copy of the service may go on accepting from it); the open connections go on until
     * {@link #stop}. Returns once the first loop has stopped accepting (within a second).
     */
    @Override
    public void stopAccepting() {
        endAccepting(System.nanoTime() + GracefulStop.AFTER_CLOSE.toNanos());
    }

    /**
     * The acceptor closes on its loop, once, waiting for it until {@code deadlineNanos}; true when a newer
     * copy accepts from the socket now.
     */
    private synchronized boolean endAccepting(long deadlineNanos) {
        if (acceptEnded) {
            return handedOver;
        }
        acceptEnded = true;
        CountDownLatch acceptorClosed = new CountDownLatch(1);
        loops[0].execute(() -> {
            acceptor.close();
            acceptorClosed.countDown();
        });
        try {
            if (!acceptorClosed.await(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                acceptor.closeFromAnotherThread(); // the first loop is stuck: at least stop listening
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return handedOver;
    }

    /** Connections open right now (accepted and not yet closed). */
    public int openConnections() {
        return permits.taken();
    }

    /**
     * Stops accepting (if {@link #stopAccepting} did not already), ends the input of every connection so
     * handlers finish what they have (an echo writes back what it read, then closes), and after
     * {@code grace} closes what is left ({@link GracefulStop}). Returns when every loop thread has ended.
     * Calling it twice is harmless.
     */
    @Override
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Stopping steps = new Stopping();
        try {
            if (!GracefulStop.run(grace, steps)) {
                log().warn("{} event loops still running after stop", steps.alive());
            }
        } finally {
            if (preparations != null) {
                preparations.stop();
            }
        }
    }

    /** One sweep over the connections still preparing, when a service has something to prepare. */
    private DeadlineSweep<NioConnection> preparationSweep() {
        if (tls == null && acceptPath.proxyTimeoutMillis() == 0) {
            return null;
        }
        long shortest = tls == null ? acceptPath.proxyTimeoutMillis()
                : acceptPath.proxyTimeoutMillis() == 0 ? tls.handshakeTimeoutMillis()
                : Math.min(tls.handshakeTimeoutMillis(), acceptPath.proxyTimeoutMillis());
        return DeadlineSweep.start(context.serviceId() + "-handshakes", context.clock(),
                DeadlineSweep.tickFor(Duration.ofMillis(shortest)), preparing, c -> c.prepareDeadline,
                NioConnection::expirePreparation);
    }

    /** The stop steps of event loops: each is told on its own thread, and ends with its last connection. */
    private final class Stopping implements GracefulStop.Steps {
        private boolean inputEnded;

        @Override
        public boolean stopAccepting(long graceDeadlineNanos) {
            return endAccepting(graceDeadlineNanos);
        }

        @Override
        public void endInput() {
            inputEnded = true;
            for (EventLoop loop : loops) {
                loop.execute(loop::beginStop);
            }
        }

        @Override
        public boolean awaitConnections(long deadlineNanos) {
            if (!inputEnded) { // the loops keep running: watch the count they update
                awaitNoConnections(deadlineNanos);
                return permits.taken() == 0;
            }
            return awaitThreads(deadlineNanos); // a stopping loop ends with its last connection
        }

        @Override
        public void closeAll() {
            for (EventLoop loop : loops) {
                if (loop.isAlive()) {
                    loop.execute(loop::closeAll);
                }
            }
        }

        @Override
        public boolean awaitThreads(long deadlineNanos) {
            for (EventLoop loop : loops) {
                loop.join(deadlineNanos);
            }
            return alive() == 0;
        }

        int alive() {
            int n = 0;
            for (EventLoop loop : loops) {
                n += loop.isAlive() ? 1 : 0;
            }
            return n;
        }
    }

    // A new version serves new clients now: these connections finish on their own within the grace.
    private void awaitNoConnections(long deadline) {
        while (permits.taken() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // a bounded poll of a counter the loops update; not test synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Wakes every loop so it rereads the clock (tests that move an injected clock). */
    void wakeup() {
        for (EventLoop loop : loops) {
            loop.wakeup();
        }
    }

    // ---- for the acceptor and the loops ------------------------------------------------------------

    private void permitFree() {
        loops[0].execute(acceptor::permitFree);
    }

    /** Taken by the acceptor before each accept, released when the connection closes or never was. */
    ConnectionPermits permits() {
        return permits;
    }

    /**
     * Admits an accepted socket (access list, per-source limits; a refused one is reset and its permit
     * released) and hands it to the live loop with the fewest connections.
     */
    void assign(SocketChannel accepted) {
        AcceptPath.Ticket ticket = acceptPath.admit(accepted, permits);
        if (ticket == null) {
            return; // refused: reset and closed without a byte, its permit given back
        }
        EventLoop target = null;
        int start = nextLoop.getAndIncrement();
        for (int i = 0; i < loops.length; i++) {
            EventLoop candidate = loops[Math.floorMod(start + i, loops.length)];
            if (!candidate.isDead() && (target == null || candidate.load.get() < target.load.get())) {
                target = candidate;
            }
        }
        if (target == null) {
            Sockets.closeQuietly(accepted);
            ticket.release();
            return;
        }
        target.load.incrementAndGet();
        EventLoop loop = target;
        if (loop.inLoop()) {
            loop.adopt(accepted, ticket);
        } else {
            loop.execute(() -> loop.adopt(accepted, ticket));
        }
    }

    void connectionClosed(CloseReason reason) {
        switch (reason) {
            case IDLE_TIMEOUT -> idleClosed.increment();
            case FAILED -> failed.increment();
            case INPUT_LIMIT -> inputLimit.increment();
            case MALFORMED -> malformed.increment();
            default -> {
            }
        }
    }

    long acceptFailed(IOException e) {
        return acceptPath.acceptFailed(e);
    }

    /** A loop ended other than by {@link #stop}: the service can no longer serve as configured. */
    void loopDied(Throwable cause) {
        if (!stopping.get()) {
            context.failed(cause);
        }
    }

    void countBackpressure() {
        backpressure.increment();
    }

    ConnectionHandler.Factory handlers() {
        return handlers;
    }

    TlsContext tls() {
        return tls;
    }

    /** A connection starts ({@code on}) or ends preparing: its PROXY header's deadline, or its handshake's. */
    void preparing(NioConnection connection, boolean on) {
        if (on) {
            long within = connection.ticketAwaitsProxyHeader() ? acceptPath.proxyTimeoutMillis() : tls.handshakeTimeoutMillis();
            connection.prepareDeadline = context.clock().millis() + within;
            preparing.add(connection);
        } else {
            preparing.remove(connection);
            connection.prepareDeadline = Long.MAX_VALUE;
        }
    }

    /** The acceptor stopped accepting: the listening channel goes back where it came from (it may be shared). */
    void releaseListener() {
        handedOver = HostAccess.listeners(context).release(channel);
    }

    Logger log() {
        return context.log();
    }

    Clock clock() {
        return context.clock();
    }
}
