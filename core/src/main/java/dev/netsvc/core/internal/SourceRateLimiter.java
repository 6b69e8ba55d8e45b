package dev.netsvc.core.internal;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A token bucket per source, in a map that never holds more than {@code capacity} sources: the least
 * recently seen is forgotten first. Forged source addresses cost the attacker's packets, never our
 * memory; a forgotten source starts again with a full bucket, which the global bucket still caps.
 *
 * <p>IPv6 sources count per /64, the block one host or site usually holds: per address, one host
 * could claim 2^64 fresh buckets ({@link SourceKey}). Not thread-safe: the owner locks.
 */
public final class SourceRateLimiter {

    private final int rate;
    private final int burst;
    private final Map<SourceKey, TokenBucket> buckets;

    /** @param forgotten counts the sources forgotten to stay within {@code capacity} */
    public SourceRateLimiter(int rate, int burst, int capacity, LongAdder forgotten) {
        this.rate = rate;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SourceKey, TokenBucket> eldest) {
                if (size() > capacity) {
                    forgotten.increment();
                    return true;
                }
                return false;
            }
        };
    }

    /** Takes a token from {@code source}'s bucket (a new source starts full). */
    public boolean tryTake(InetAddress source, long nowNanos) {
        TokenBucket bucket = buckets.computeIfAbsent(SourceKey.of(source), k -> new TokenBucket(rate, burst, nowNanos));
        return bucket.tryTake(nowNanos);
    }

    /** Sources remembered now. */
    public int size() {
        return buckets.size();
    }
}
