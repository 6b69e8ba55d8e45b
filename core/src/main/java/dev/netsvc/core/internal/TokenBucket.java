package dev.netsvc.core.internal;

/**
 * The classic token bucket: it holds up to {@code burst} tokens, gains {@code rate} tokens per second,
 * and each admitted event takes one. Time comes in as nanoseconds from the caller's clock, so the
 * bucket is a pure calculation that tests drive without sleeping. Not thread-safe: its owner locks.
 */
public final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000.0;

    private final double tokensPerNano;
    private final double burst;
    private double tokens;
    private long last;

    /** A full bucket at time {@code nowNanos}. */
    public TokenBucket(int ratePerSecond, int burst, long nowNanos) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1");
        }
        this.tokensPerNano = ratePerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes a token if one is there. */
    public boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * tokensPerNano);
        }
        // a wall clock stepped back must not freeze the bucket until it catches up again
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
