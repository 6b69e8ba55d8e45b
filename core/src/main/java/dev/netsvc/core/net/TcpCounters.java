package dev.netsvc.core.net;

import dev.netsvc.core.access.RefusalReason;

/**
 * The counter names every TCP engine uses (blocking, selector, NIO.2), so status and metrics read the
 * same whatever engine a service runs on.
 */
public final class TcpCounters {

    private TcpCounters() {
    }

    /** Connections admitted and served (refused ones are not counted here). */
    public static final String ACCEPTED = "tcp.connections.accepted";
    /** Connections open right now: incremented on admission, decremented on close (a gauge). */
    public static final String ACTIVE = "tcp.connections.active";
    /** Prefix of the refusal counters: {@code tcp.connections.refused.acl|per-source|rate}. */
    public static final String REFUSED_PREFIX = "tcp.connections.refused.";
    /**
     * Times accepting paused because {@code max-connections} were open. The clients that arrive meanwhile
     * wait in the listen backlog and are served once a connection closes: none is turned away, so there
     * is no {@code refused.max-connections}.
     */
    public static final String LIMIT_REACHED = "tcp.connections.limit-reached";
    /** Connections closed because neither input nor output moved for the idle timeout. */
    public static final String IDLE_TIMEOUT = "tcp.connections.idle-timeout";
    /** Connections that ended with an error other than the peer going away. */
    public static final String FAILED = "tcp.connections.failed";
    /** Selector engine: connections closed because the handler left a full read buffer unconsumed. */
    public static final String INPUT_LIMIT = "tcp.connections.input-limit";
    /** Selector engine: times a connection stopped reading because too much output waited for its peer. */
    public static final String BACKPRESSURE_PAUSES = "tcp.backpressure.pauses";
    /** accept() calls that failed (EMFILE, ENFILE, ...); the server backs off and retries. */
    public static final String ACCEPT_FAILED = "tcp.accept.failed";
    /** Sources forgotten from the per-source rate table to keep it bounded. */
    public static final String SOURCES_FORGOTTEN = "tcp.sources.forgotten";

    /** {@code tcp.connections.refused.<reason>}. */
    public static String refused(RefusalReason reason) {
        return REFUSED_PREFIX + reason.label();
    }
}
