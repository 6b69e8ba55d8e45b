package dev.netsvc.launcher.config;

import java.time.Duration;
import java.util.Locale;

/**
 * What the supervisor does when a service dies or fails to start ({@code <id>.restart},
 * {@code <id>.restart-limit}, {@code <id>.restart-window}), and how long it waits before each restart.
 *
 * @param mode   on-failure: restart, giving up after {@code limit} restarts within {@code window};
 *               always: restart with no limit; never: give up at the first failure
 * @param limit  restarts allowed within {@code window} (on-failure)
 * @param window the sliding period the limit counts in
 */
public record RestartPolicy(Mode mode, int limit, Duration window) {

    /** The first backoff; each restart still inside the window doubles it. */
    public static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    public static final RestartPolicy DEFAULT = new RestartPolicy(Mode.ON_FAILURE, 5, Duration.ofSeconds(60));

    public enum Mode {
        ON_FAILURE, ALWAYS, NEVER;

        public static Mode of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Whether one more restart is allowed after {@code recentRestarts} restarts within the window. */
    public boolean allowsRestart(int recentRestarts) {
        return switch (mode) {
            case NEVER -> false;
            case ALWAYS -> true;
            case ON_FAILURE -> recentRestarts < limit;
        };
    }

    /** The wait before the next restart: 100 ms doubled per recent restart, at most 30 s. */
    public static Duration backoff(int recentRestarts) {
        int doublings = Math.min(recentRestarts, 20); // 100 ms << 20 is far past the cap
        Duration d = FIRST_BACKOFF.multipliedBy(1L << doublings);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
