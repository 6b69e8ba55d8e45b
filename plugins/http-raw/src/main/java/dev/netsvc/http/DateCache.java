package dev.netsvc.http;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The {@code Date} header line, formatted once per second of the injected clock instead of once per
 * request. A response reads the clock once ({@link #now()}) and uses that time for its Date header and
 * its access log entry's start.
 */
final class DateCache {

    private record Second(long second, byte[] dateLine) {
    }

    private final Clock clock;
    private volatile Second current = new Second(Long.MIN_VALUE, null);

    DateCache(Clock clock) {
        this.clock = clock;
    }

    /** The clock's time, epoch milliseconds. */
    long now() {
        return clock.millis();
    }

    /** {@code Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n} for {@code epochMillis}; do not modify. */
    byte[] dateLine(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Second s = current;
        if (s.second() != second) {
            s = new Second(second, ("Date: " + HttpDates.format(second * 1000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            current = s; // racing threads compute the same value; either write is fine
        }
        return s.dateLine();
    }
}
