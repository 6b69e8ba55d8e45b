package dev.netsvc.core.net;

import dev.netsvc.core.internal.Sockets;
import dev.netsvc.core.Counters;
import dev.netsvc.core.Latencies;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.core.access.AccessList;
import dev.netsvc.core.access.AccessPolicy;
import dev.netsvc.core.access.ProxyKeys;
import dev.netsvc.core.internal.ProxyHeader;
import dev.netsvc.core.internal.RefusalLog;
import dev.netsvc.core.access.RefusalReason;
import dev.netsvc.core.internal.SourceGate;
import dev.netsvc.core.internal.SourceKey;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.nio.channels.NetworkChannel;
import java.util.EnumMap;
import java.util.List;
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
 *
 * <p>With the PROXY protocol on ({@code proxy-protocol}, {@link ProxyKeys}), a connection from an address
 * outside {@code proxy-from} is refused here (reason {@code proxy}); one from a balancer gets a ticket
 * that waits for its header ({@link Ticket#awaitsProxyHeader}): its engine reads the header before any
 * other layer ({@link Ticket#readProxyHeader}) within {@link #proxyTimeoutMillis}, and the access rules
 * then decide on the client's address from the header, which the engine uses from then on.
 */
public final class AcceptPath {

    /**
     * An admitted connection's hold on its connection permit, its source's count and
     * {@code tcp.connections.active}: one release gives all three back, records how long the connection
     * lasted ({@code tcp.connection.seconds}) and writes the connection's log line ({@code <id>.connection-log}).
     * The engine counts the bytes each way into it ({@link #received}, {@link #sent}) on the connection's own
     * thread, and a handler may add what the line says ({@link #describe}) and mark the connection failed
     * ({@link #failed}). With the PROXY protocol on, a connection from a balancer gets a ticket that holds
     * only its permit until its header names the client ({@link #awaitsProxyHeader});
     * {@link #readProxyHeader} then decides on the client.
     */
    public final class Ticket {
        private static final int PENDING = 0;
        private static final int ADMITTED = 1;
        private static final int REFUSED = 2;

        private volatile SourceKey source;
        private final ConnectionPermits permits;
        private final InetSocketAddress peer; // the connection's own remote address
        private volatile InetSocketAddress client; // whom the connection serves: the peer, or the PROXY header's source
        private volatile int state;
        private final long admittedNanos = System.nanoTime(); // a duration for metrics, not a decision: not the clock's
        private final long since;
        private long received;
        private long sent;
        private String detail;
        private String failure;
        volatile int released; // 1 once released: a field, not an AtomicBoolean, as every open connection has one

        private Ticket(SourceKey source, ConnectionPermits permits, InetSocketAddress peer, int state) {
            this.source = source;
            this.permits = permits;
            this.peer = peer;
            this.client = peer;
            this.state = state;
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

        /** Whether the connection must send its PROXY header before it is admitted or refused. */
        public boolean awaitsProxyHeader() {
            return state == PENDING;
        }

        /** Whether the connection may be served; false once refused. */
        public boolean isAdmitted() {
            return state == ADMITTED;
        }

        /**
         * The address the connection serves, for every rule, log line and metric: the PROXY header's
         * client once admitted (the balancer's own for a LOCAL or UNKNOWN header), else the connection's.
         */
        public InetSocketAddress client() {
            return client;
        }

        /**
         * Reads the PROXY header at the start of {@code in} (read mode), for a ticket that
         * {@link #awaitsProxyHeader}. Returns false when more bytes are needed ({@code in} unchanged);
         * true once decided, {@code in} past the header: admitted by the access rules on the client's
         * address, or refused (a malformed header, or the rules), counted and logged as any refusal. A
         * refused connection is reset by its engine, which releases the ticket.
         */
        public boolean readProxyHeader(ByteBuffer in) {
            if (state != PENDING) {
                throw new IllegalStateException("no PROXY header awaited");
            }
            ProxyHeader.Header header;
            try {
                header = ProxyHeader.parse(in, proxy);
            } catch (ProxyHeader.Malformed e) {
                refuse("malformed");
                return true;
            }
            if (header == null) {
                return false;
            }
            in.position(in.position() + header.length());
            if (header.isLocal()) {
                state = ADMITTED; // a balancer's own health check: it is in proxy-from, the rules are for clients
                counted();
                return true;
            }
            Decision decision = decide(header.source().getAddress());
            if (!decision.admitted()) {
                state = REFUSED;
                return true;
            }
            source = decision.key();
            client = header.source();
            state = ADMITTED;
            counted();
            return true;
        }

        /**
         * The PROXY header did not come in time, or the connection ended before it did ({@code why}:
         * timeout, closed): counted as a refusal for reason {@code proxy}. The engine resets the
         * connection and releases the ticket.
         */
        public void refuse(String why) {
            if (state == PENDING) {
                state = REFUSED;
                refuseProxy(peer, why);
            }
        }

        /** The connection closed (or could not be served after all); calling it again is harmless. */
        public void release() {
            if (RELEASED.compareAndSet(this, 0, 1)) {
                if (state == ADMITTED) {
                    // the source's count first: whoever sees 'active' drop may count on the slot being free
                    SourceKey key = source;
                    if (key != null) {
                        perSourceOpen.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
                    }
                    active.decrement();
                    durations.recordNanos(System.nanoTime() - admittedNanos);
                    if (connectionLog.logsEnd(failure)) {
                        connectionLog.ended(HostPort.format(client), clock.millis() - since, received, sent, detail, failure);
                    }
                }
                permits.release(); // last: the engine may accept the next client at once
            }
        }
    }

    /** What the access rules decided on a source: admitted (with the key its per-source count was taken under) or not. */
    private record Decision(boolean admitted, SourceKey key) {
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
    private final ProxyHeader.Accept proxy; // null: no PROXY protocol
    private final AccessList proxyFrom;
    private final long proxyTimeoutMillis;
    private final ServiceCounters counters;
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
        this.counters = counters;
        Settings settings = context.settings();
        ProxyKeys.check(context.serviceId(), settings);
        String mode = settings.declares(ProxyKeys.PROXY_PROTOCOL) ? settings.get(ProxyKeys.PROXY_PROTOCOL) : "off";
        this.proxy = switch (mode) {
            case "v1" -> ProxyHeader.Accept.V1;
            case "v2" -> ProxyHeader.Accept.V2;
            case "any" -> ProxyHeader.Accept.ANY;
            default -> null;
        };
        this.proxyFrom = proxy == null ? AccessList.ALLOW_ALL : new AccessList(settings.get(ProxyKeys.PROXY_FROM), List.of());
        this.proxyTimeoutMillis = proxy == null ? 0 : settings.get(ProxyKeys.PROXY_TIMEOUT).toMillis();
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
        if (proxy != null) {
            if (!proxyFrom.allows(source.getAddress())) {
                refuseProxy(source, "untrusted");
                reset.run();
                return null;
            }
            return new Ticket(null, permits, source, Ticket.PENDING); // decided once its header names the client
        }
        Decision decision = decide(source.getAddress());
        if (!decision.admitted()) {
            reset.run();
            return null;
        }
        counted();
        return new Ticket(decision.key(), permits, source, Ticket.ADMITTED);
    }

    /** The access rules on {@code source}; a refusal is counted and logged. */
    private Decision decide(java.net.InetAddress source) {
        RefusalReason reason = gate.check(source);
        SourceKey key = null;
        if (reason == null && policy.perSource() > 0) {
            key = SourceKey.of(source);
            if (!takePerSource(key)) {
                reason = RefusalReason.PER_SOURCE;
            }
        }
        if (reason != null) {
            refused.get(reason).increment();
            if (connectionLog.logsRefusals()) {
                refusals.refused(source, reason);
            }
            return new Decision(false, null);
        }
        return new Decision(true, key);
    }

    private void counted() {
        accepted.increment();
        active.increment();
    }

    private void refuseProxy(InetSocketAddress from, String why) {
        refused.get(RefusalReason.PROXY).increment();
        counters.counter(Counters.PROXY_REFUSED.member(why)).increment();
        if (connectionLog.logsRefusals()) {
            refusals.refused(from.getAddress(), RefusalReason.PROXY);
        }
    }

    /** How long a connection has to send its PROXY header (ms; {@code proxy-timeout}). */
    public long proxyTimeoutMillis() {
        return proxyTimeoutMillis;
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
