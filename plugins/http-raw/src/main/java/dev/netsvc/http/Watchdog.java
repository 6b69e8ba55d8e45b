package dev.netsvc.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines that socket timeouts cannot express: a request that must be complete within
 * {@code http.request-timeout} of its first byte on an event loop, a blocking write that must progress
 * within {@code http.idle-timeout}. One daemon thread per service looks at every watched connection
 * each tick and expires those past their deadline; a connection publishes its deadline in a volatile
 * field, so its hot path takes no lock.
 */
final class Watchdog implements AutoCloseable {

    /** A connection with a deadline. */
    interface Watched {
        /** The deadline in clock milliseconds, or {@link Long#MAX_VALUE} for none. */
        long deadline();

        /** The deadline passed. Called on the watchdog thread: hand the work over, never block. */
        void expire();
    }

    private final Clock clock;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    /** Checks every {@code tick}, so a deadline is noticed at most one tick late. */
    Watchdog(String name, Clock clock, Duration tick) {
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name(name).daemon(true).unstarted(r));
        long millis = tick.toMillis();
        timer.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** A tick fine enough for {@code shortest}: a tenth of it, between 10 ms and 250 ms. */
    static Duration tickFor(Duration shortest) {
        return Duration.ofMillis(Math.clamp(shortest.toMillis() / 10, 10, 250));
    }

    void add(Watched w) {
        watched.add(w);
    }

    void remove(Watched w) {
        watched.remove(w);
    }

    private void sweep() {
        long now = clock.millis();
        for (Watched w : watched) {
            if (w.deadline() <= now) {
                try {
                    w.expire();
                } catch (RuntimeException e) {
                    watched.remove(w); // a broken connection must not stop the watch over the others
                }
            }
        }
    }

    /** Stops the thread; returns when it has ended. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
