package dev.netsvc.echo.async;

import dev.netsvc.core.Endpoint;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.net.BufferBudget;
import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.net.GracefulStop;
import dev.netsvc.core.net.Sockets;
import dev.netsvc.core.net.TcpCounters;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The listening side of echo-async: an {@link AsynchronousServerSocketChannel} and its connections on one
 * {@link AsynchronousChannelGroup} of {@code threads} threads. One accept is in flight at a time, and only
 * once a connection permit is held: at the limit no accept is issued, so further clients wait in the
 * kernel's backlog. Core's {@link DeadlineSweep} closes connections idle for longer than the timeout, measured on
 * the service's clock.
 */
final class AsyncEchoServer {

    /** Validated limits; each has a config key in {@link EchoAsyncService}. */
    record Limits(int threads, int maxConnections, Duration idleTimeout, int maxBuffer, long bufferBudget) {
    }

    private final ServiceContext context;
    private final Limits limits;
    private final AsynchronousChannelGroup group;
    private final AsynchronousServerSocketChannel listener;
    private final ScheduledExecutorService timer;
    private volatile DeadlineSweep<AsyncEchoConnection> sweep;
    private final Set<AsyncEchoConnection> open = ConcurrentHashMap.newKeySet();
    private final BufferBudget buffers;
    private final AtomicInteger permitsTaken = new AtomicInteger();
    private final AtomicBoolean waitingForPermit = new AtomicBoolean();
    private volatile boolean stopping;
    private final AcceptPath acceptPath;
    private final LongAdder echoed;
    private final LongAdder idleClosed;
    private final LongAdder failed;

    private final CompletionHandler<AsynchronousSocketChannel, Void> onAccept = new CompletionHandler<>() {
        @Override
        public void completed(AsynchronousSocketChannel channel, Void unused) {
            AcceptPath.Ticket ticket = acceptPath.admit(channel);
            if (ticket == null) { // refused: already reset and closed, without a byte
                releasePermit(false);
            } else {
                serve(channel, ticket);
            }
            acceptNext();
        }

        @Override
        public void failed(Throwable t, Void unused) {
            releasePermit(false);
            if (!stopping) {
                // e.g. EMFILE (out of file descriptors): back off instead of spinning, then accept again
                long pause = t instanceof IOException e ? acceptPath.acceptFailed(e)
                        : acceptPath.acceptFailed(new IOException(t.toString(), t));
                timer.schedule(AsyncEchoServer.this::acceptNext, pause, TimeUnit.MILLISECONDS);
            }
        }
    };

    private AsyncEchoServer(ServiceContext context, Limits limits, AsynchronousChannelGroup group,
                            AsynchronousServerSocketChannel listener, ScheduledExecutorService timer) {
        this.context = context;
        this.limits = limits;
        this.group = group;
        this.listener = listener;
        this.timer = timer;
        this.buffers = new BufferBudget(limits.maxBuffer(), limits.bufferBudget());
        this.acceptPath = AcceptPath.of(context, endpoint().toString());
        this.echoed = context.counters().counter("tcp.bytes.echoed");
        this.idleClosed = context.counters().counter(TcpCounters.IDLE_TIMEOUT);
        this.failed = context.counters().counter(TcpCounters.FAILED);
    }

    static AsyncEchoServer start(ServiceContext context, Limits limits) throws IOException {
        String id = context.serviceId();
        AsynchronousChannelGroup group = AsynchronousChannelGroup.withFixedThreadPool(limits.threads(), threads(id + "-io-"));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(threads(id + "-timer-"));
        AsynchronousServerSocketChannel listener;
        try {
            listener = Sockets.listenTcpAsync(group, context.address(), Sockets.DEFAULT_BACKLOG);
        } catch (IOException | RuntimeException e) {
            group.shutdownNow();
            timer.shutdownNow();
            throw e;
        }
        AsyncEchoServer server = new AsyncEchoServer(context, limits, group, listener, timer);
        server.sweep = DeadlineSweep.idle(id + "-idle", context.clock(), limits.idleTimeout(), server.open,
                c -> c.lastActivity, server::closeIdle);
        server.acceptNext();
        return server;
    }

    Endpoint endpoint() {
        try {
            return new Endpoint(Transport.TCP, (InetSocketAddress) listener.getLocalAddress());
        } catch (IOException e) {
            throw new IllegalStateException("listener closed", e);
        }
    }

    // ---- accepting ---------------------------------------------------------------------------------

    private void acceptNext() {
        if (stopping) {
            return;
        }
        if (!tryTakePermit()) {
            acceptPath.limitReached(); // clients wait in the backlog until a connection closes
            waitingForPermit.set(true);
            // a connection may have closed between the failed attempt and the flag
            if (permitsTaken.get() < limits.maxConnections() && waitingForPermit.compareAndSet(true, false)) {
                acceptNext();
            }
            return;
        }
        try {
            listener.accept(null, onAccept);
        } catch (RuntimeException e) { // the group shut down: we are stopping
            releasePermit(false);
        }
    }

    private void serve(AsynchronousSocketChannel channel, AcceptPath.Ticket ticket) {
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        } catch (IOException e) {
            Sockets.closeQuietly(channel);
            ticket.release();
            releasePermit(true);
            return;
        }
        AsyncEchoConnection connection = new AsyncEchoConnection(this, channel, now(), ticket);
        open.add(connection);
        if (stopping) {
            connection.close();
            return;
        }
        connection.start();
    }

    private boolean tryTakePermit() {
        int n;
        do {
            n = permitsTaken.get();
            if (n >= limits.maxConnections()) {
                return false;
            }
        } while (!permitsTaken.compareAndSet(n, n + 1));
        return true;
    }

    private void releasePermit(boolean acceptIfWaiting) {
        permitsTaken.decrementAndGet();
        if (acceptIfWaiting && waitingForPermit.compareAndSet(true, false)) {
            acceptNext();
        }
    }

    // ---- connections -------------------------------------------------------------------------------

    void closed(AsyncEchoConnection connection) {
        if (open.remove(connection)) {
            connection.ticket().release();
            releasePermit(true);
            if (stopping && open.isEmpty()) {
                synchronized (open) {
                    open.notifyAll(); // stop() waits for the last connection
                }
            }
        }
    }

    private void closeIdle(AsyncEchoConnection c) {
        idleClosed.increment();
        c.close();
    }

    long now() {
        return context.clock().millis();
    }

    BufferBudget buffers() {
        return buffers;
    }

    void countEchoed(int n) {
        echoed.add(n);
    }

    void countFailed() {
        failed.increment();
    }

    Logger log() {
        return context.log();
    }

    // ---- stopping ----------------------------------------------------------------------------------

    /**
     * Stops accepting, ends every connection's input so each echoes what it has and closes, closes what
     * is left after {@code grace} ({@link GracefulStop}), and returns once the group's threads have ended.
     */
    void stop(Duration grace) {
        if (stopping) {
            return;
        }
        stopping = true;
        if (!GracefulStop.run(grace, new Stopping())) {
            log().warn("echo-async threads still running after stop");
        }
    }

    /** The stop steps of a channel group; its listener is its own, never handed over. */
    private final class Stopping implements GracefulStop.Steps {
        @Override
        public boolean stopAccepting(long graceDeadlineNanos) {
            Sockets.closeQuietly(listener);
            return false;
        }

        @Override
        public void endInput() {
            sweep.stop();
            for (AsyncEchoConnection c : open) {
                c.stopInput();
            }
        }

        @Override
        public boolean awaitConnections(long deadlineNanos) {
            synchronized (open) {
                long left;
                while (!open.isEmpty() && (left = deadlineNanos - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(open, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return open.isEmpty();
            }
        }

        @Override
        public void closeAll() {
            for (AsyncEchoConnection c : open) {
                c.close();
            }
        }

        @Override
        public boolean awaitThreads(long deadlineNanos) {
            timer.shutdownNow();
            try {
                group.shutdownNow();
                return group.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)
                        && timer.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                log().warn("closing the channel group failed: {}", e.toString());
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        return Thread.ofPlatform().name(prefix, 0).daemon(true).factory();
    }
}
