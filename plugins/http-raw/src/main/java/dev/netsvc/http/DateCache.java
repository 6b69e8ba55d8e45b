package dev.netsvc.http;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line and the access log's timestamp, formatted once per second of the
 * injected clock instead of once per request.
 */
final class DateCache {

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);

    private record Second(long second, byte[] dateLine, String logTime) {
    }

    private final Clock clock;
    private volatile Second current = new Second(Long.MIN_VALUE, null, null);

    DateCache(Clock clock) {
        this.clock = clock;
    }

    /** {@code Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n}; do not modify. */
    byte[] dateLine() {
        return now().dateLine();
    }

    /** {@code 06/Nov/1994:08:49:37 +0000}, in the clock's zone. */
    String logTime() {
        return now().logTime();
    }

    private Second now() {
        long millis = clock.millis();
        long second = Math.floorDiv(millis, 1000);
        Second s = current;
        if (s.second() != second) {
            Instant instant = Instant.ofEpochSecond(second);
            s = new Second(second, ("Date: " + HttpDates.format(second * 1000) + "\r\n").getBytes(StandardCharsets.US_ASCII),
                    LOG_TIME.format(instant.atZone(clock.getZone())));
            current = s; // racing threads compute the same value; either write is fine
        }
        return s;
    }
}
