package dev.netsvc.core.net;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Core's one timer for connections served by threads that cannot wait on a deadline of their own: a
 * virtual thread looks every tick at each watched item's deadline (clock millis, on the service's
 * injected clock) and hands those past it to {@code expire}. An item publishes its deadline in a
 * volatile field, so its hot path takes no lock; an idle timeout is the deadline
 * {@code lastActivity + timeout} ({@link #idle}). The blocking server, echo-async and http's request
 * timeout use it; the selector engine's loops keep their own order instead (see the package comment).
 *
 * @param <C> the watched item's type
 */
public final class DeadlineSweep<C> {

    /** The deadline of an item that has none. */
    public static final long NONE = Long.MAX_VALUE;

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineSweep.class);

    private final Clock clock;
    private final Collection<C> watched;
    private final ToLongFunction<C> deadline;
    private final Consumer<C> expire;
    private final Set<C> broken = ConcurrentHashMap.newKeySet(); // expire threw: not called again
    private final Thread thread;

    private DeadlineSweep(String name, Clock clock, Duration tick, Collection<C> watched, ToLongFunction<C> deadline,
                          Consumer<C> expire) {
        this.clock = clock;
        this.watched = watched;
        this.deadline = deadline;
        this.expire = expire;
        long tickMillis = tick.toMillis();
        this.thread = Thread.ofVirtual().name(name).unstarted(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sweep();
                try {
                    Thread.sleep(tickMillis); // the sweep's timer, not synchronisation
                } catch (InterruptedException e) {
                    return; // stop()
                }
            }
        });
    }

    /**
     * Starts watching {@code watched} (a live, thread-safe view the caller adds to and removes from):
     * every {@code tick}, each item whose {@code deadline} (clock millis, {@link #NONE} for none) is now
     * or past is handed to {@code expire}, which must not block (it closes a socket, or hands the work
     * to the item's own thread). An item still past its deadline on the next tick is expired again.
     */
    public static <C> DeadlineSweep<C> start(String name, Clock clock, Duration tick, Collection<C> watched,
                                             ToLongFunction<C> deadline, Consumer<C> expire) {
        if (tick.toMillis() < 1) {
            throw new IllegalArgumentException("the tick must be at least 1 ms, not " + tick);
        }
        DeadlineSweep<C> sweep = new DeadlineSweep<>(name, clock, tick, watched, deadline, expire);
        sweep.thread.start();
        return sweep;
    }

    /**
     * Starts closing idle items: each whose {@code lastActivity} (clock millis) is {@code timeout} old or
     * older is handed to {@code onIdle}, checked every {@link #tickFor tickFor(timeout)}.
     */
    public static <C> DeadlineSweep<C> idle(String name, Clock clock, Duration timeout, Collection<C> open,
                                            ToLongFunction<C> lastActivity, Consumer<C> onIdle) {
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("the idle timeout must be positive, not " + timeout);
        }
        long idleMillis = timeout.toMillis();
        return start(name, clock, tickFor(timeout), open, c -> lastActivity.applyAsLong(c) + idleMillis, onIdle);
    }

    /**
     * A tick fine enough for the {@code shortest} timeout watched: a tenth of it, between 10 ms and 250 ms,
     * so a deadline is noticed at most that late and 10,000 idle connections cost a few sweeps a second.
     * Zero (no such timeout; deadlines set as they come) gets the longest tick.
     */
    public static Duration tickFor(Duration shortest) {
        return Duration.ofMillis(shortest.isZero() ? 250 : Math.clamp(shortest.toMillis() / 10, 10, 250));
    }

    /** The deadline {@code timeoutMillis} after {@code since} (clock millis); {@link #NONE} when the timeout is zero. */
    public static long after(long since, long timeoutMillis) {
        return timeoutMillis == 0 ? NONE : since + timeoutMillis;
    }

    private void sweep() {
        long now = clock.millis();
        for (C c : watched) {
            if (deadline.applyAsLong(c) <= now && !broken.contains(c)) {
                try {
                    expire.accept(c);
                } catch (RuntimeException e) { // must not stop the watch over the others
                    broken.add(c);
                    LOG.warn("{}: expiring {} failed; no longer watched", thread.getName(), c, e);
                }
            }
        }
        if (!broken.isEmpty()) {
            broken.retainAll(watched); // forget those that left
        }
    }

    /** Stops sweeping and waits (up to a second) for the sweep to end. */
    public void stop() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
