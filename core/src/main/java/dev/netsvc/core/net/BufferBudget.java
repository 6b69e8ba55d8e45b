package dev.netsvc.core.net;

import dev.netsvc.core.ConfigKey;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How big each connection's read buffer may be, with one allowance shared by all connections.
 *
 * <p>Buffers start small, so idle connections are cheap; a read that fills its buffer doubles it (up to
 * a per-connection maximum) when the shared allowance still has room; reads that use little of it halve
 * it again and give the room back. Bulk streams so get large reads, while the memory all buffers can
 * take stays below {@code connections × initial + budget} however many clients stream at once.
 * Thread-safe.
 */
public final class BufferBudget {

    /**
     * Where every buffer starts: small, because an idle connection holds its buffer while it waits (a
     * blocking read needs one), and one read that fills it is enough to double it.
     */
    public static final int INITIAL = 128;

    private final int max;
    private final AtomicLong available;

    /**
     * @param max    largest buffer of one connection
     * @param budget bytes all buffers together may grow into beyond {@link #INITIAL} each
     */
    public BufferBudget(int max, long budget) {
        if (max < INITIAL) {
            throw new IllegalArgumentException("max must be at least " + INITIAL);
        }
        this.max = max;
        this.available = new AtomicLong(budget);
    }

    /** {@code buffer-size}: the largest read buffer of one connection. */
    public static ConfigKey<Integer> maxKey(String defaultValue) {
        return ConfigKey.size("buffer-size", defaultValue, INITIAL, 16 << 20,
                "largest read buffer of one connection; buffers start at " + INITIAL + " bytes and grow under load");
    }

    /** {@code buffer-budget}: what all connections' buffers together may grow into. */
    public static ConfigKey<Integer> budgetKey(String defaultValue) {
        return ConfigKey.size("buffer-budget", defaultValue, 0, 1 << 30,
                "memory all connections' buffers may grow into together; bounds memory however many clients stream");
    }

    /** The size of a new connection's buffer. */
    public int initial() {
        return INITIAL;
    }

    /**
     * The capacity the buffer should have for the next read, given its {@code capacity} now and how many
     * bytes the last read put in it. Growing takes room from the allowance (and is skipped when there is
     * none); shrinking gives it back.
     */
    public int next(int capacity, int lastRead) {
        if (lastRead >= capacity && capacity < max) {
            int grown = Math.min(max, capacity * 2);
            return reserve(grown - capacity) ? grown : capacity;
        }
        if (lastRead < capacity / 8 && capacity > INITIAL) {
            int shrunk = Math.max(INITIAL, capacity / 2);
            available.addAndGet(capacity - shrunk);
            return shrunk;
        }
        return capacity;
    }

    /** A connection with a buffer of {@code capacity} has closed: its growth goes back to the allowance. */
    public void release(int capacity) {
        if (capacity > INITIAL) {
            available.addAndGet(capacity - INITIAL);
        }
    }

    /** Room left in the allowance, in bytes. */
    public long available() {
        return available.get();
    }

    private boolean reserve(int bytes) {
        long left;
        do {
            left = available.get();
            if (left < bytes) {
                return false;
            }
        } while (!available.compareAndSet(left, left - bytes));
        return true;
    }
}
