package dev.netsvc.core.udp;

/** Why {@link UdpGuard} dropped a datagram; each reason is counted as {@code udp.dropped.<label>}
 * ({@link dev.netsvc.core.Counters#UDP_DROPPED}). */
enum DropReason {
    /** The source is not allowed by the service's {@code only-from} / {@code no-access}. */
    ACL("acl"),
    /** The source sent faster than the service's {@code rate} / {@code rate-burst}. */
    RATE("rate"),
    /** The source port is one where a UDP service answers: replying could start an endless loop. */
    LOOP("loop"),
    /** Another source port below 1024: no ordinary client sends from there. */
    PRIVILEGED_PORT("privileged-port"),
    /** A wildcard, multicast or broadcast source: nobody to answer, or far too many. */
    BAD_SOURCE("bad-source"),
    /** This source has used up its {@code udp-rate}. */
    SOURCE_RATE("rate-limit-source"),
    /** The service has used up its {@code udp-global-rate}. */
    GLOBAL_RATE("rate-limit-global");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
