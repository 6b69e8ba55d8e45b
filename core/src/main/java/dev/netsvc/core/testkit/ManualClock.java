package dev.netsvc.core.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that moves only when the test says so: rate limits, daily rotations and the 2036 rollover are
 * tested by {@link #advance advancing} it, never by sleeping. Safe to read from server threads.
 */
public final class ManualClock extends Clock {

    private volatile Instant now;
    private final ZoneId zone;

    public ManualClock(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    public ManualClock(Instant start, ZoneId zone) {
        this.now = Objects.requireNonNull(start, "start");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** Moves the clock by {@code amount} (negative moves it back, as a wall clock step would). */
    public synchronized void advance(Duration amount) {
        now = now.plus(amount);
    }

    public void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new ZoneView(this, zone);
    }

    /** The same manual time seen in another zone (advancing the original moves this too). */
    private static final class ZoneView extends Clock {
        private final ManualClock source;
        private final ZoneId zone;

        ZoneView(ManualClock source, ZoneId zone) {
            this.source = source;
            this.zone = zone;
        }

        @Override
        public Instant instant() {
            return source.instant();
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return new ZoneView(source, other);
        }
    }
}
