package dev.netsvc.core.internal;

import dev.netsvc.core.Counter;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.access.AccessList;
import dev.netsvc.core.access.AccessPolicy;
import dev.netsvc.core.access.RefusalReason;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;

/**
 * The per-source checks shared by TCP and UDP: the access list, then the per-source rate (a token
 * bucket per source, on the service's clock, in a bounded table). Thread-safe.
 */
public final class SourceGate {

    /** Sources remembered for the rate; beyond it the least recently seen is forgotten. */
    static final int TRACKED_SOURCES = 10_000;

    private final AccessList acl;
    private final Clock clock;
    private final SourceRateLimiter rates; // null: no rate limit

    public SourceGate(AccessPolicy policy, Clock clock, ServiceCounters counters, Counter forgotten) {
        this.acl = policy.acl();
        this.clock = clock;
        this.rates = policy.rate() == 0 ? null
                : new SourceRateLimiter(policy.rate(), policy.rateBurst(), TRACKED_SOURCES, counters.counter(forgotten));
    }

    /** Why {@code source} is refused, or null when it may go on. Takes a rate token when admitted. */
    public RefusalReason check(InetAddress source) {
        if (!acl.allowsAll() && !acl.allows(source)) {
            return RefusalReason.ACL;
        }
        if (rates != null) {
            synchronized (rates) {
                if (!rates.tryTake(source, nanos(clock))) {
                    return RefusalReason.RATE;
                }
            }
        }
        return null;
    }

    static long nanos(Clock clock) {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
