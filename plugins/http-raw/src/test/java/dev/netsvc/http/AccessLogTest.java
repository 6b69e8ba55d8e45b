package dev.netsvc.http;

import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log's lines, its bounded queue and its file's reopening. */
class AccessLogTest {

    static final Instant T = Instant.parse("1994-11-06T08:49:37.250Z");

    @TempDir
    Path tmp;

    static AccessLog.Entry entry(String line, int status, long bytes, String referer, String agent) {
        AccessLog.Entry e = new AccessLog.Entry("127.0.0.1", line, status, referer, agent, T.toEpochMilli() - 2345);
        e.bytesSent = bytes;
        e.epochMillis = T.toEpochMilli();
        return e;
    }

    static String format(AccessLogFormat.Kind kind, boolean withTime, AccessLog.Entry... entries) {
        AccessLogFormat f = new AccessLogFormat(kind, ZoneOffset.UTC);
        f.formatReversed(List.of(entries).reversed(), 0, entries.length, withTime);
        return new String(f.bytes(), 0, f.length(), StandardCharsets.US_ASCII);
    }

    @Test
    void commonFormatWithTheResponseTime() {
        assertEquals("127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] \"GET / HTTP/1.1\" 200 1234 2.345\n",
                format(AccessLogFormat.Kind.COMMON, true, entry("GET / HTTP/1.1", 200, 1234, "r", "a")));
    }

    @Test
    void combinedFormatAddsRefererAndUserAgentEscaped() {
        assertEquals("127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] \"GET / HTTP/1.1\" 304 - \"http://a/\" \"x\\x22y\\x0a\" 2.345\n"
                        + "127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] \"-\" 400 10 \"-\" \"-\" 2.345\n",
                format(AccessLogFormat.Kind.COMBINED, true, entry("GET / HTTP/1.1", 304, 0, "http://a/", "x\"y\n"),
                        entry(null, 400, 10, null, null)));
    }

    /** Every byte outside printable ASCII is escaped, wherever it is in the field; plain text is kept whole. */
    @Test
    void bytesFromDelAndUpAndBackslashesAreEscapedToo() {
        assertEquals("127.0.0.1 - - \"GET /caf\\xe9 HTTP/1.1\" 200 1 \"\\x5ca\\x7f\" \"Mozilla/5.0 (X11; Linux x86_64) \\xff\" 2.345\n",
                format(AccessLogFormat.Kind.COMBINED, false, entry("GET /caf\u00e9 HTTP/1.1", 200, 1, "\\a\u007f",
                        "Mozilla/5.0 (X11; Linux x86_64) \u00ff")));
    }

    @Test
    void theLoggerLineCarriesNoSecondTimestamp() {
        assertEquals("127.0.0.1 - - \"GET / HTTP/1.1\" 200 1 2.345\n",
                format(AccessLogFormat.Kind.COMMON, false, entry("GET / HTTP/1.1", 200, 1, null, null)));
    }

    /** A sink that holds the writer in its first write until released, and keeps every line. */
    static final class HeldSink implements AccessLog.Sink {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> lines = new ArrayList<>();
        volatile int reopened;

        @Override
        public boolean timestamped() {
            return true;
        }

        volatile String failing; // the cause every write fails with, or null

        @Override
        public String write(byte[] bytes, int length) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing != null) {
                return failing;
            }
            synchronized (lines) {
                lines.addAll(List.of(new String(bytes, 0, length, StandardCharsets.US_ASCII).split("\n")));
            }
            return null;
        }

        @Override
        public void reopen(boolean force) {
            if (force) {
                reopened++;
            }
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws InterruptedException {
        HeldSink sink = new HeldSink();
        LongAdder dropped = new LongAdder();
        AccessLog log = AccessLog.start("t-access-log", Clock.systemUTC(), new AccessLogFormat(AccessLogFormat.Kind.COMMON, ZoneOffset.UTC),
                sink, dropped, LoggerFactory.getLogger("t"));
        log.finish(new AccessLog.Entry("a", "GET /first HTTP/1.1", 200, null, null, 0), 1);
        sink.entered.await(); // the writer is stuck in a write: nothing more leaves the queue
        int offered = AccessLog.MAX_ENTRIES + 100;
        for (int i = 0; i < offered; i++) {
            log.finish(new AccessLog.Entry("a", "GET /" + i + " HTTP/1.1", 200, null, null, 0), 1);
        }
        assertEquals(100, dropped.sum());
        sink.release.countDown();
        log.close(); // drains the queue first
        assertEquals(1 + AccessLog.MAX_ENTRIES, sink.lines.size());
        assertTrue(sink.lines.getLast().contains("GET /" + (AccessLog.MAX_ENTRIES - 1) + " "), sink.lines.getLast());
        // in the order they finished, across the writer's batches
        List<String> order = sink.lines.subList(1, sink.lines.size()).stream()
                .map(l -> l.substring(l.indexOf("GET /") + 5, l.indexOf(" HTTP/"))).toList();
        assertEquals(java.util.stream.IntStream.range(0, AccessLog.MAX_ENTRIES).mapToObj(String::valueOf).toList(), order);
        log.finish(new AccessLog.Entry("a", "GET /late HTTP/1.1", 200, null, null, 0), 1);
        assertEquals(101, dropped.sum(), "after close, entries are dropped");
    }

    /** The line's time is when the response finished, its duration from its start, both on the injected clock. */
    @Test
    void timeAndDurationComeFromTheClockAndAClockSteppingBackGivesZero() {
        HeldSink sink = new HeldSink();
        sink.release.countDown();
        ManualClock clock = new ManualClock(T);
        AccessLog log = AccessLog.start("t-access-log", clock, new AccessLogFormat(AccessLogFormat.Kind.COMMON, ZoneOffset.UTC),
                sink, new LongAdder(), LoggerFactory.getLogger("t"));
        AccessLog.Entry slow = new AccessLog.Entry("a", "GET /slow HTTP/1.1", 200, null, null, clock.millis());
        AccessLog.Entry stepped = new AccessLog.Entry("a", "GET /stepped HTTP/1.1", 200, null, null, clock.millis() + 90_000);
        clock.advance(Duration.ofMillis(61_007));
        log.finish(slow, 1);
        log.finish(stepped, 1); // started "after" it finished: NTP stepped the clock back meanwhile
        log.close();
        assertEquals(List.of("a - - [06/Nov/1994:08:50:38 +0000] \"GET /slow HTTP/1.1\" 200 1 61.007",
                "a - - [06/Nov/1994:08:50:38 +0000] \"GET /stepped HTTP/1.1\" 200 1 0.000"), sink.lines);
    }

    @Test
    void reopenIsPassedToTheSinkFromTheWriter() {
        HeldSink sink = new HeldSink();
        sink.release.countDown();
        AccessLog log = AccessLog.start("t-access-log", new ManualClock(T), new AccessLogFormat(AccessLogFormat.Kind.COMMON, ZoneOffset.UTC),
                sink, new LongAdder(), LoggerFactory.getLogger("t"));
        try {
            log.reopen();
            Await.until(Duration.ofSeconds(5), "the sink reopened", () -> sink.reopened == 1);
        } finally {
            log.close();
        }
    }

    @Test
    void theFileIsReopenedWhenLogrotateMovesIt() throws IOException {
        Path file = tmp.resolve("access.log");
        AccessLogFile sink = AccessLogFile.open(file, LoggerFactory.getLogger("t"));
        try {
            sink.write("one\n".getBytes(StandardCharsets.US_ASCII), 4);
            Path rotated = tmp.resolve("access.log.1");
            Files.move(file, rotated);
            sink.reopen(false); // the writer's once-a-second check: the path no longer holds our file
            sink.write("two\n".getBytes(StandardCharsets.US_ASCII), 4);
            assertEquals(List.of("one"), Files.readAllLines(rotated));
            assertEquals(List.of("two"), Files.readAllLines(file));
            sink.reopen(false); // same file: kept
            sink.write("three\n".getBytes(StandardCharsets.US_ASCII), 6);
            assertEquals(List.of("two", "three"), Files.readAllLines(file));
        } finally {
            sink.close();
        }
    }

    @Test
    void theServiceLogsCombinedLinesToItsFileAndAfterRotationToTheNewOne() throws IOException {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "hello");
        Path file = tmp.resolve("logs/access.log");
        try (ServiceHarness http = ServiceHarness.of(new HttpService()).set("root", www.toString())
                .set("access-log-file", file.toString()).set("access-log-format", "combined").start()) {
            try (RawClient c = new RawClient(http.tcp())) {
                c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nReferer: http://r/\r\nUser-Agent: t/1\r\n\r\n").read();
            }
            Await.until(Duration.ofSeconds(10), "a line in " + file, () -> lines(file).size() == 1);
            String line = lines(file).getFirst();
            assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /a\\.txt HTTP/1\\.1\" 200 5 \"http://r/\" \"t/1\" \\d+\\.\\d{3}"), line);
            Files.move(file, tmp.resolve("logs/access.log.1"));
            // no signal: the writer sees within a second that the path holds another file (none) and creates it
            Await.until(Duration.ofSeconds(10), "the access log reopened", () -> Files.exists(file));
            try (RawClient c = new RawClient(http.tcp())) {
                c.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n").read();
            }
            Await.until(Duration.ofSeconds(10), "a line in the new " + file, () -> lines(file).size() == 1);
            assertTrue(lines(file).getFirst().contains("\"GET /missing HTTP/1.1\" 404 "), lines(file).getFirst());
            assertEquals(1, lines(tmp.resolve("logs/access.log.1")).size());
        }
    }

    @Test
    void anUnwritableLogFileIsAConfigurationErrorNamingTheKey() throws IOException {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.netsvc.core.ConfigException.class,
                () -> ServiceHarness.of(new HttpService()).set("root", www.toString())
                        .set("access-log-file", notADir.resolve("access.log").toString()).start());
        assertTrue(e.getMessage().contains("http.access-log-file"), e.getMessage());
        assertFalse(Files.exists(notADir.resolve("access.log")));
    }

    static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A logger that keeps what it was told at warn and info, for the failure and recovery lines. */
    static final class Told extends org.slf4j.helpers.AbstractLogger {
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, org.slf4j.Marker marker, String pattern,
                                                   Object[] arguments, Throwable throwable) {
            lines.add(level + " " + org.slf4j.helpers.MessageFormatter.basicArrayFormat(pattern, arguments));
        }

        @Override public boolean isTraceEnabled() { return false; }
        @Override public boolean isTraceEnabled(org.slf4j.Marker m) { return false; }
        @Override public boolean isDebugEnabled() { return false; }
        @Override public boolean isDebugEnabled(org.slf4j.Marker m) { return false; }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public boolean isInfoEnabled(org.slf4j.Marker m) { return true; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isWarnEnabled(org.slf4j.Marker m) { return true; }
        @Override public boolean isErrorEnabled() { return true; }
        @Override public boolean isErrorEnabled(org.slf4j.Marker m) { return true; }
    }

    /**
     * Lines that cannot be written are counted as dropped, said at most once a minute on the clock with how
     * many were lost, and said once more when writing works again.
     */
    @Test
    void linesThatCannotBeWrittenAreCountedAndSaidOnceAMinute() {
        HeldSink sink = new HeldSink();
        sink.release.countDown();
        sink.failing = "logs/http-access.log: no space left on the device";
        ManualClock clock = new ManualClock(T);
        LongAdder dropped = new LongAdder();
        Told told = new Told();
        AccessLog log = AccessLog.start("t-access-log", clock, new AccessLogFormat(AccessLogFormat.Kind.COMMON, ZoneOffset.UTC),
                sink, dropped, told);
        log.finish(new AccessLog.Entry("a", "GET /1 HTTP/1.1", 200, null, null, 0), 1);
        log.finish(new AccessLog.Entry("a", "GET /2 HTTP/1.1", 200, null, null, 0), 1);
        Await.until(Duration.ofSeconds(10), "two lines dropped and said", () -> dropped.sum() == 2 && !told.lines.isEmpty());
        assertTrue(told.lines.getFirst().matches("WARN cannot write the access log: logs/http-access.log: no space left on the"
                + " device; [12] lines lost \\(counted in http.access-log.dropped\\)"), told.lines::toString);
        log.finish(new AccessLog.Entry("a", "GET /3 HTTP/1.1", 200, null, null, 0), 1);
        Await.until(Duration.ofSeconds(10), "the third dropped", () -> dropped.sum() == 3);
        assertEquals(1, told.lines.size(), "not said again within the minute");
        clock.advance(Duration.ofSeconds(60));
        log.finish(new AccessLog.Entry("a", "GET /4 HTTP/1.1", 200, null, null, 0), 1);
        Await.until(Duration.ofSeconds(10), "said again a minute later", () -> told.lines.size() == 2);
        assertTrue(told.lines.get(1).matches(".*; [23] lines lost .*"), "the count since it last said: " + told.lines);
        sink.failing = null;
        log.finish(new AccessLog.Entry("a", "GET /5 HTTP/1.1", 200, null, null, 0), 1);
        log.close();
        assertEquals("INFO the access log is written again; 4 lines were lost", told.lines.get(2));
        assertEquals(4, dropped.sum());
        assertEquals(1, sink.lines.size());
    }
}
