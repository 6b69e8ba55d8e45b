package dev.netsvc.core.net;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Closes connections on which nothing moved for the idle timeout, measured on the service's clock.
 *
 * @param <C> the engine's connection type
 * @deprecated kept for plugins built against it; an idle timeout is one kind of deadline now: use
 * {@link DeadlineSweep#idle}, which this delegates to.
 */
@Deprecated(since = "0.1.0")
public final class IdleSweep<C> {

    private final DeadlineSweep<C> sweep;

    private IdleSweep(DeadlineSweep<C> sweep) {
        this.sweep = sweep;
    }

    /**
     * Starts sweeping {@code open} (a live, thread-safe view of the open connections): each one whose
     * {@code lastActivity} (clock millis) is {@code timeout} old or older is handed to {@code onIdle},
     * which closes it (and is called again on the next sweep if it is still open).
     */
    public static <C> IdleSweep<C> start(String name, Clock clock, Duration timeout, Collection<C> open,
                                         ToLongFunction<C> lastActivity, Consumer<C> onIdle) {
        return new IdleSweep<>(DeadlineSweep.idle(name, clock, timeout, open, lastActivity, onIdle));
    }

    /** Stops sweeping and waits (up to a second) for the sweep to end. */
    public void stop() {
        sweep.stop();
    }
}
