package dev.netsvc.core.access;

/** Why a connection or datagram was refused; the label is the {@code reason} of counters and metrics. */
public enum RefusalReason {
    /** The source is not allowed by {@code only-from} / {@code no-access}. */
    ACL("acl"),
    /** The source already holds {@code per-source} connections. */
    PER_SOURCE("per-source"),
    /** The source opened connections (or sent datagrams) faster than {@code rate} allows. */
    RATE("rate"),
    /**
     * The PROXY protocol is on and the connection came from an address not in {@code proxy-from}, or its
     * header was malformed or late.
     */
    PROXY("proxy");

    private final String label;

    RefusalReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
