package dev.netsvc.core.net;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection limit ({@code max-connections}) the one way every TCP engine keeps it: a permit is
 * taken <em>before</em> each accept and given back when the connection closes, or when the accept came
 * to nothing (no connection waiting, refused by the {@link AcceptPath}, failed). At the limit the engine
 * stops accepting, so further clients wait in the kernel's listen backlog instead of in memory, and it
 * is told when a permit is free again ({@code onFree}). Each time the limit stops accepting is counted
 * ({@link AcceptPath#limitReached}). Thread-safe; no lock.
 */
public final class ConnectionPermits {

    private final int max;
    private final AcceptPath acceptPath;
    private final Runnable onFree;
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicBoolean waiting = new AtomicBoolean();

    /**
     * @param onFree what the engine does when a permit is free after {@link #tryTake} found none (wake its
     *               accepting thread, listen for accepts again, ask for the next connection); runs on the
     *               thread that released it, or on the one that failed to take when a permit was released
     *               meanwhile. It must not block.
     */
    public ConnectionPermits(int max, AcceptPath acceptPath, Runnable onFree) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, not " + max);
        }
        this.max = max;
        this.acceptPath = acceptPath;
        this.onFree = onFree;
    }

    /** Takes a permit for the next accept; false at the limit, and {@code onFree} runs once one is free. */
    public boolean tryTake() {
        if (reserve()) {
            return true;
        }
        if (waiting.compareAndSet(false, true)) {
            acceptPath.limitReached(); // clients wait in the backlog until a connection closes
        }
        // a permit may have been released between the failed reservation and the flag being set
        if (taken.get() < max && waiting.compareAndSet(true, false)) {
            onFree.run();
        }
        return false;
    }

    /** The connection closed, or the accept came to nothing: the permit is free again. */
    public void release() {
        taken.decrementAndGet();
        if (waiting.get() && waiting.compareAndSet(true, false)) {
            onFree.run();
        }
    }

    /** Permits taken now: connections open, and at most one accept in progress. */
    public int taken() {
        return taken.get();
    }

    private boolean reserve() {
        int n;
        do {
            n = taken.get();
            if (n >= max) {
                return false;
            }
        } while (!taken.compareAndSet(n, n + 1));
        return true;
    }
}
