package dev.netsvc.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/** HTTP dates (RFC 9110 §5.6.7): written as IMF-fixdate, read in all three formats. */
final class HttpDates {

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT} */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** {@code Sunday, 06-Nov-94 08:49:37 GMT}; two-digit years are read as 1970..2069 */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, LocalDate.of(1970, 1, 1))
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    /** {@code Sun Nov  6 08:49:37 1994} */
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    private static final List<DateTimeFormatter> READABLE = List.of(IMF_FIXDATE, RFC_850, ASCTIME);

    private HttpDates() {
    }

    static String format(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Seconds since the epoch, or -1 if {@code text} is not an HTTP date. */
    static long parse(String text) {
        for (DateTimeFormatter format : READABLE) {
            try {
                return ZonedDateTime.parse(text, format).toEpochSecond();
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return -1;
    }
}
