package dev.netsvc.core.net;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Latencies;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.access.AccessPolicy;
import dev.netsvc.core.internal.RefusalLog;
import dev.netsvc.core.access.RefusalReason;
import dev.netsvc.core.internal.SourceGate;
import dev.netsvc.core.internal.SourceKey;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.time.Clock;
import java.nio.channels.NetworkChannel;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one accept path every TCP engine in netsvc goes through (blocking, selector, NIO.2). Right after
 * accept, before a byte of service, {@link #admit} decides once: the access list ({@code only-from},
 * {@code no-access}), the per-source rate ({@code rate}, {@code rate-burst}) and the per-source
 * connection limit ({@code per-source}). A refused connection is reset at once (see {@link #admit}),
 * counted as {@code tcp.connections.refused.<reason>} and logged at most once a minute per source (unless
 * {@code <id>.connection-log} is off). An admitted one gets a {@link Ticket} that its engine releases when
 * it closes, which writes the connection's log line ({@link ConnectionLog}).
 *
 * <p>{@code max-connections} is not decided here: each engine takes a permit ({@link ConnectionPermits})
 * <em>before</em> accept, so clients beyond it wait in the listen backlog, and hands it to {@link #admit}:
 * a refused connection's permit is released there, an admitted one's with its ticket. Failed accepts (out
 * of file descriptors) go through {@link #acceptFailed}. Counter names are in
 * {@link Counters}. Thread-safe.
 */
public final class AcceptPath {

    /**
     * An admitted connection's hold on its connection permit, its source's count and
     * {@code tcp.connections.active}: one release gives all three back, records how long the connection
     * lasted ({@code tcp.connection.seconds}) and writes the connection's log line ({@code <id>.connection-log}).
     * The engine counts the bytes each way into it ({@link #received}, {@link #sent}) on the connection's own
     * thread, and a handler may add what the line says ({@link #describe}) and mark the connection failed
     * ({@link #failed}).
     */
    public final class Ticket {
        private final SourceKey sourceKey;
        private final ConnectionPermits permits;
        private final long admittedNanos = System.nanoTime(); // a duration for metrics, not a decision: not the clock's
        private final InetSocketAddress source;
        private final long since;
        private long received;
        private long sent;
        private String detail;
        private String failure;
        volatile int released; // 1 once released: a field, not an AtomicBoolean, as every open connection has one

        private Ticket(SourceKey sourceKey, ConnectionPermits permits, InetSocketAddress source) {
            this.sourceKey = sourceKey;
            this.permits = permits;
            this.source = source;
            this.since = clock.millis();
        }

        /** {@code bytes} more came from the client. */
        public void received(long bytes) {
            received += bytes;
        }

        /** {@code bytes} more went to the client. */
        public void sent(long bytes) {
            sent += bytes;
        }

        /** What the connection's log line says besides source, duration and bytes (an exec program's pid and exit status). */
        public void describe(String detail) {
            this.detail = detail;
        }

        /** The connection failed: its log line says so, with {@code cause}, also under {@code connection-log=failure}. */
        public void failed(String cause) {
            if (failure == null) {
                failure = cause;
            }
        }

        /** The connection closed (or could not be served after all); calling it again is harmless. */
        public void release() {
            if (RELEASED.compareAndSet(this, 0, 1)) {
                // the source's count first: whoever sees 'active' drop may count on the slot being free
                if (sourceKey != null) {
                    perSourceOpen.computeIfPresent(sourceKey, (k, n) -> n == 1 ? null : n - 1);
                }
                active.decrement();
                durations.recordNanos(System.nanoTime() - admittedNanos);
                connectionLog.ended(HostPort.format(source), clock.millis() - since, received, sent, detail, failure);
                permits.release(); // last: the engine may accept the next client at once
            }
        }
    }

    private static final AtomicIntegerFieldUpdater<Ticket> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(Ticket.class, "released");

    private final AccessPolicy policy;
    private final Clock clock;
    private final ConnectionLog connectionLog;
    private final SourceGate gate;
    private final RefusalLog refusals;
    private final AcceptFailures failures;
    private final Map<SourceKey, Integer> perSourceOpen = new ConcurrentHashMap<>();
    private final Map<RefusalReason, LongAdder> refused = new EnumMap<>(RefusalReason.class);
    private final LongAdder accepted;
    private final LongAdder active;
    private final LongAdder limitReached;
    private final Latencies durations;

    private AcceptPath(ServiceContext context, AccessPolicy policy, String where) {
        ServiceCounters counters = context.counters();
        this.policy = policy;
        this.clock = context.clock();
        this.connectionLog = new ConnectionLog(context);
        this.gate = new SourceGate(policy, context.clock(), counters, Counters.TCP_SOURCES_FORGOTTEN);
        this.refusals = new RefusalLog(context.log(), context.clock(), "connections");
        this.failures = new AcceptFailures(context.log(), context.clock(), where, counters.counter(Counters.TCP_ACCEPT_FAILED));
        for (RefusalReason reason : RefusalReason.values()) {
            refused.put(reason, counters.counter(Counters.TCP_REFUSED.member(reason.label())));
        }
        this.accepted = counters.counter(Counters.TCP_ACCEPTED);
        this.active = counters.counter(Counters.TCP_ACTIVE);
        this.limitReached = counters.counter(Counters.TCP_LIMIT_REACHED);
        this.durations = counters.histogram(Counters.TCP_CONNECTION_SECONDS);
        counters.counter(Counters.TCP_IDLE_TIMEOUT);
        counters.counter(Counters.TCP_FAILED);
    }

    /**
     * The accept path of a service, with the access rules in its settings (none when its settings do
     * not carry the access keys).
     *
     * @param where the listening endpoint for log lines, e.g. {@code tcp 127.0.0.1:7007}
     */
    public static AcceptPath of(ServiceContext context, String where) {
        return new AcceptPath(context, AccessPolicy.of(context.settings()), where);
    }

    /** Like {@link #of(ServiceContext, String)} with the rules given directly (tests, embedded use). */
    public static AcceptPath of(ServiceContext context, AccessPolicy policy, String where) {
        return new AcceptPath(context, policy, where);
    }

    /**
     * Decides on a connection just accepted under one of {@code permits}' permits (a
     * {@link java.nio.channels.SocketChannel} or an asynchronous one). Admitted: counted as accepted and
     * active, and the ticket, which holds the permit, is returned. Refused: counted by reason, logged
     * (rate-limited), the connection reset and closed, its permit released, and null is returned.
     *
     * <p>Why a reset (SO_LINGER 0) rather than a plain close: the refused client learns at once (its
     * first read or write fails with "connection reset") instead of possibly sending a request into a
     * half-closed socket, and the server keeps no TIME_WAIT entry per refused connection, which matters
     * exactly when refusals come in floods.
     */
    public Ticket admit(NetworkChannel channel, ConnectionPermits permits) {
        SocketAddress remote;
        try {
            remote = remoteOf(channel);
        } catch (IOException e) {
            Sockets.closeQuietly((Closeable) channel); // gone before we looked: nothing to count
            permits.release();
            return null;
        }
        Ticket ticket = admit(remote, permits, () -> resetQuietly(channel));
        if (ticket == null) {
            permits.release();
        }
        return ticket;
    }

    private Ticket admit(SocketAddress remote, ConnectionPermits permits, Runnable reset) {
        failures.succeeded();
        if (!(remote instanceof InetSocketAddress source) || source.getAddress() == null) {
            reset.run(); // disconnected already
            return null;
        }
        RefusalReason reason = gate.check(source.getAddress());
        SourceKey key = null;
        if (reason == null && policy.perSource() > 0) {
            key = SourceKey.of(source.getAddress());
            if (!takePerSource(key)) {
                reason = RefusalReason.PER_SOURCE;
            }
        }
        if (reason != null) {
            refused.get(reason).increment();
            if (connectionLog.logsRefusals()) {
                refusals.refused(source.getAddress(), reason);
            }
            reset.run();
            return null;
        }
        accepted.increment();
        active.increment();
        return new Ticket(key, permits, source);
    }

    private boolean takePerSource(SourceKey key) {
        boolean[] taken = new boolean[1];
        perSourceOpen.compute(key, (k, n) -> {
            int open = n == null ? 0 : n;
            if (open >= policy.perSource()) {
                return n;
            }
            taken[0] = true;
            return open + 1;
        });
        return taken[0];
    }

    /** The engine stopped accepting at {@code max-connections}; clients wait in the backlog. */
    public void limitReached() {
        limitReached.increment();
    }

    /** accept() failed: counted, logged at most once a minute; returns the pause before the next accept, in ms. */
    public long acceptFailed(IOException e) {
        return failures.failed(e);
    }

    /** Sources holding at least one connection right now (for tests: the table stays bounded). */
    public int trackedSources() {
        return perSourceOpen.size();
    }

    private static SocketAddress remoteOf(NetworkChannel channel) throws IOException {
        if (channel instanceof java.nio.channels.SocketChannel c) {
            return c.getRemoteAddress();
        }
        if (channel instanceof java.nio.channels.AsynchronousSocketChannel c) {
            return c.getRemoteAddress();
        }
        throw new IllegalArgumentException("not a connected TCP channel: " + channel);
    }

    /** Closes with SO_LINGER 0: the peer gets a reset, and no TIME_WAIT stays behind here. */
    static void resetQuietly(NetworkChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | UnsupportedOperationException ignored) {
            // closing anyway
        }
        Sockets.closeQuietly((Closeable) channel);
    }
}
