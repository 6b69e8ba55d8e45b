package dev.netsvc.core.udp;

import java.net.Inet6Address;
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
 * could claim 2^64 fresh buckets. Not thread-safe: {@link UdpGuard} locks.
 */
final class SourceRateLimiter {

    /** An IPv4 address, or the first 64 bits of an IPv6 address. */
    private record SourceKey(boolean v6, long bits) {
        static SourceKey of(InetAddress address) {
            byte[] b = address.getAddress();
            long bits = 0;
            int n = Math.min(8, b.length); // IPv4: all 4 bytes; IPv6: the /64 prefix
            for (int i = 0; i < n; i++) {
                bits = (bits << 8) | (b[i] & 0xFF);
            }
            return new SourceKey(address instanceof Inet6Address, bits);
        }
    }

    private final int rate;
    private final int burst;
    private final Map<SourceKey, TokenBucket> buckets;

    /** @param forgotten counts the sources forgotten to stay within {@code capacity} */
    SourceRateLimiter(int rate, int burst, int capacity, LongAdder forgotten) {
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
    boolean tryTake(InetAddress source, long nowNanos) {
        TokenBucket bucket = buckets.computeIfAbsent(SourceKey.of(source), k -> new TokenBucket(rate, burst, nowNanos));
        return bucket.tryTake(nowNanos);
    }

    /** Sources remembered now. */
    int size() {
        return buckets.size();
    }
}
