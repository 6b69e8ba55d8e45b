package dev.netsvc.echo.async;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.net.AsyncListener;
import dev.netsvc.core.net.BufferBudget;
import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.net.GracefulStop;
import dev.netsvc.core.net.Sockets;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.StandardSocketOptions;
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
 * The listening side of echo-async: an {@link AsyncListener} from {@code context.listeners()}, whose
 * socket and connections are on one channel group of {@code threads} threads that the host keeps across a
 * plugin replacement (the new version accepts from the same socket, so no client is refused). One accept
 * is asked for at a time, and only once a connection permit is held: at the limit none is, so further
 * clients wait in the kernel's backlog. Core's {@link DeadlineSweep} closes connections idle for longer than the timeout, measured on
 * the service's clock.
 */
final class AsyncEchoServer {

    /** Validated limits; each has a config key in {@link EchoAsyncService}. */
    record Limits(int threads, int maxConnections, Duration idleTimeout, int maxBuffer, long bufferBudget) {
    }

    private final ServiceContext context;
    private final Limits limits;
    private final AsyncListener listener;
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

    private AsyncEchoServer(ServiceContext context, Limits limits, AsyncListener listener, ScheduledExecutorService timer) {
        this.context = context;
        this.limits = limits;
        this.listener = listener;
        this.timer = timer;
        this.buffers = new BufferBudget(limits.maxBuffer(), limits.bufferBudget());
        this.acceptPath = AcceptPath.of(context, endpoint().toString());
        this.echoed = context.counters().counter(Counters.TCP_BYTES_ECHOED);
        this.idleClosed = context.counters().counter(Counters.TCP_IDLE_TIMEOUT);
        this.failed = context.counters().counter(Counters.TCP_FAILED);
    }

    static AsyncEchoServer start(ServiceContext context, Limits limits) throws IOException {
        String id = context.serviceId();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(threads(id + "-timer-"));
        AsyncListener listener;
        try {
            listener = context.listeners().tcpAsync(context.address(), Sockets.DEFAULT_BACKLOG, limits.threads(), id);
        } catch (IOException | RuntimeException e) {
            timer.shutdownNow();
            throw e;
        }
        AsyncEchoServer server = new AsyncEchoServer(context, limits, listener, timer);
        server.sweep = DeadlineSweep.idle(id + "-idle", context.clock(), limits.idleTimeout(), server.open,
                c -> c.lastActivity, server::closeIdle);
        server.acceptNext();
        return server;
    }

    Endpoint endpoint() {
        return new Endpoint(Transport.TCP, listener.localAddress());
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
            listener.accept(onAccept);
        } catch (RuntimeException e) { // the listener was released: we are stopping
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
        // stop() releases the listener before it looks at the open connections, and no connection is handed
        // to us after the release: one handed over while stopping is served like the others
        AsyncEchoConnection connection = new AsyncEchoConnection(this, channel, now(), ticket);
        open.add(connection);
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
     * Stops accepting and gives the listener back. On shutdown it then ends every connection's input so
     * each echoes what it has and closes; when a replacing version accepts from the socket instead, the
     * connections finish by themselves first (their clients are mid-stream). Whatever is left after
     * {@code grace} is closed ({@link GracefulStop}). The connections' threads are the host's channel
     * group's, which outlives this version; once this returns no connection of this version is left on them.
     */
    void stop(Duration grace) {
        if (stopping) {
            return;
        }
        stopping = true;
        if (!GracefulStop.run(grace, new Stopping())) {
            log().warn("echo-async timer still running after stop");
        }
    }

    /** The stop steps of echo-async: its listener and channel group are the host's. */
    private final class Stopping implements GracefulStop.Steps {
        @Override
        public boolean stopAccepting(long graceDeadlineNanos) {
            // returns once no connection is being handed to us; true when a replacing version accepts now
            return context.listeners().release(listener);
        }

        @Override
        public void endInput() {
            sweep.stop(); // after a handover's drain: it closed idle ones meanwhile
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
                return timer.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
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
