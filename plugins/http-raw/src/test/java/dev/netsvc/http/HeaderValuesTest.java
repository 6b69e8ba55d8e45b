package dev.netsvc.http;

import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small pure pieces behind the headers: dates, entity tags, content types, log escaping. */
class HeaderValuesTest {

    static final long NOV_6_1994 = Instant.parse("1994-11-06T08:49:37Z").getEpochSecond();

    @ParameterizedTest
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"})
    void httpDatesAreReadInAllThreeFormats(String text) {
        assertEquals(NOV_6_1994, HttpDates.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "Sun, 06 Nov 1994 08:49:37", "Mon, 06 Nov 1994 08:49:37 GMT", "sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT"})
    void anythingElseIsNotADate(String text) {
        assertEquals(-1, HttpDates.parse(text));
    }

    @Test
    void datesAreWrittenAsImfFixdateAndTheDateLineChangesEachSecond() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(NOV_6_1994 * 1000 + 999));
        ManualClock clock = new ManualClock(Instant.ofEpochSecond(NOV_6_1994), ZoneOffset.UTC);
        DateCache dates = new DateCache(clock);
        assertEquals("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n", new String(dates.dateLine(dates.now())));
        clock.advance(Duration.ofMillis(999));
        assertEquals("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n", new String(dates.dateLine(dates.now())), "same second");
        clock.advance(Duration.ofMillis(1));
        assertEquals("Date: Sun, 06 Nov 1994 08:49:38 GMT\r\n", new String(dates.dateLine(dates.now())));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"a-1\"                 | true",
        "W/\"a-1\"               | true",
        "\"x\", \"a-1\"          | true",
        "\"x\",W/\"a-1\"         | true",
        "*                       | true",
        "\"x\"                   | false",
        "\"a-1x\"                | false",
        "a-1                     | false",
        "\"a-1                   | false",
        "\"x,y\", \"z\"          | false",
    })
    void entityTagsMatchByWeakComparison(String list, boolean matches) {
        assertEquals(matches, Conditional.matchesAny(list, "\"a-1\""));
    }

    @ParameterizedTest
    @CsvSource({
        "index.html, text/html; charset=utf-8",
        "STYLE.CSS,  text/css; charset=utf-8",
        "a.b.svg,    image/svg+xml",
        "archive,    application/octet-stream",
        "dot.,       application/octet-stream",
        ".hidden,    application/octet-stream",
    })
    void contentTypeByExtension(String name, String type) {
        assertEquals(type, ContentTypes.of(name));
    }

    @Test
    void requestLinesAreEscapedForTheLog() {
        assertEquals("GET / HTTP/1.1", AccessLogFormat.escape("GET / HTTP/1.1"));
        assertEquals("GET /\\x22x\\x5c\\x0a HTTP/1.1", AccessLogFormat.escape("GET /\"x\\\n HTTP/1.1"));
        assertEquals("\\xe9", AccessLogFormat.escape("\u00e9"));
        assertFalse(AccessLogFormat.escape("a\r\nforged log line").contains("\n"));
        assertTrue(AccessLogFormat.escape("\u0000").startsWith("\\x00"));
    }
}
