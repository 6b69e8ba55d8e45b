package dev.netsvc.core.net;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Closes connections on which nothing moved for the idle timeout, measured on the service's clock: a
 * virtual thread looks a few times per timeout (at most once a second, at least every 10 ms) at every
 * open connection's last activity. Shared by the engines that keep no ordered timeout list of their own
 * (the blocking server, the NIO.2 echo); the selector engine orders its connections by activity instead.
 *
 * @param <C> the engine's connection type
 */
public final class IdleSweep<C> {

    private final Thread thread;

    private IdleSweep(String name, Clock clock, Duration timeout, Collection<C> open, ToLongFunction<C> lastActivity,
                      Consumer<C> onIdle) {
        long idleMillis = timeout.toMillis();
        long period = Math.clamp(idleMillis / 4, 10, 1000);
        this.thread = Thread.ofVirtual().name(name).unstarted(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long cutoff = clock.millis() - idleMillis;
                for (C c : open) {
                    if (lastActivity.applyAsLong(c) <= cutoff) {
                        onIdle.accept(c);
                    }
                }
                try {
                    Thread.sleep(period); // the sweep's timer, not synchronisation
                } catch (InterruptedException e) {
                    return; // stop()
                }
            }
        });
    }

    /**
     * Starts sweeping {@code open} (a live, thread-safe view of the open connections): each one whose
     * {@code lastActivity} (clock millis) is {@code timeout} old or older is handed to {@code onIdle},
     * which closes it (and is called again on the next sweep if it is still open).
     */
    public static <C> IdleSweep<C> start(String name, Clock clock, Duration timeout, Collection<C> open,
                                         ToLongFunction<C> lastActivity, Consumer<C> onIdle) {
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("the idle timeout must be positive, not " + timeout);
        }
        IdleSweep<C> sweep = new IdleSweep<>(name, clock, timeout, open, lastActivity, onIdle);
        sweep.thread.start();
        return sweep;
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
