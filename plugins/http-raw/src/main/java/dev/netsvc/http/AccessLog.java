package dev.netsvc.http;

import org.slf4j.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log: one line per response, written when the response is complete or cut short (the
 * client went away, the server stopped), with the body bytes actually sent and the time taken.
 *
 * <p>Event loops never format or write: a connection pushes its {@link Entry} onto a bounded,
 * lock-free stack (one compare-and-set, no node: the entries link themselves) and goes on; one writer
 * thread ({@code <service>-access-log}) takes the whole stack in one exchange every
 * {@link #FLUSH_INTERVAL}, puts it back in arrival order, formats the lines ({@link AccessLogFormat})
 * and writes them a batch per call (nginx's {@code access_log ... buffer= flush=}). When the stack is
 * full ({@link #MAX_ENTRIES} entries or {@link #MAX_CHARS} characters of request text) the entry is dropped and counted in
 * {@code http.access-log.dropped}: a slow disk never stalls the event loops. One counter bounds both:
 * an entry weighs its characters, and at least {@code MAX_CHARS / MAX_ENTRIES}.
 * <pre>
 *   RUNNING ── close() ──► DRAINING (writes what is queued) ──► CLOSED (entries are dropped)
 * </pre>
 */
final class AccessLog implements AutoCloseable {

    static final int MAX_ENTRIES = 16_384;
    static final long MAX_CHARS = 4L << 20;
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(20);
    private static final int MAX_BATCH = 4096;
    private static final int MIN_WEIGHT = (int) (MAX_CHARS / MAX_ENTRIES);

    enum State { RUNNING, DRAINING, CLOSED }

    /** Where formatted lines go. */
    interface Sink extends AutoCloseable {
        /** Whether lines carry their own time (a log file) or the logger adds one. */
        boolean timestamped();

        /** Writes {@code length} bytes of whole lines, each ending in a newline. */
        void write(byte[] lines, int length);

        /** Reopens the file if logrotate moved it, or when {@code force}d. */
        default void reopen(boolean force) {
        }

        @Override
        void close();
    }

    /**
     * One response, from its request to its last byte. The connection fills in {@link #bodyStart} and
     * {@link #bodyEnd} (offsets in its output stream) and calls {@link #finish} once the response is
     * written or cut.
     */
    static final class Entry {
        final String remote;
        final String requestLine;
        final int status;
        final String referer;
        final String userAgent;
        /** When the response began (the clock's epoch milliseconds; also its Date header's time). */
        final long startMillis;
        long bodyStart;
        long bodyEnd;
        long bytesSent;
        /** When it was complete or cut. */
        long epochMillis;
        /** The entry queued before this one, while it waits for the writer. */
        Entry next;

        Entry(String remote, String requestLine, int status, String referer, String userAgent, long startMillis) {
            this.remote = remote;
            this.requestLine = requestLine;
            this.status = status;
            this.referer = referer;
            this.userAgent = userAgent;
            this.startMillis = startMillis;
        }

        /** Its share of the stack's bound: its text, and at least {@code MAX_CHARS / MAX_ENTRIES}. */
        int weight() {
            return Math.max(MIN_WEIGHT, length(requestLine) + length(referer) + length(userAgent) + 64);
        }

        private static int length(String s) {
            return s == null ? 0 : s.length();
        }
    }

    /** Lines to the logger {@code http.access}, which adds its own time. */
    static final class LoggerSink implements Sink {
        private final Logger log;

        LoggerSink(Logger log) {
            this.log = log;
        }

        @Override
        public boolean timestamped() {
            return false;
        }

        @Override
        public void write(byte[] lines, int length) {
            int from = 0;
            for (int i = 0; i < length; i++) {
                if (lines[i] == '\n') {
                    log.info(new String(lines, from, i - from, java.nio.charset.StandardCharsets.US_ASCII));
                    from = i + 1;
                }
            }
        }

        @Override
        public void close() {
        }
    }

    private static final AccessLog OFF = new AccessLog();

    private final Clock clock;
    private final AccessLogFormat format;
    private final Sink sink;
    private final LongAdder dropped;
    private final Logger problems;
    private final AtomicReference<Entry> queued; // the newest first, linked by Entry.next
    private final AtomicLong queuedWeight = new AtomicLong();
    private final Thread writer;
    private volatile State state = State.RUNNING;
    private volatile boolean reopenRequested;
    private long lastReopenCheck;

    private AccessLog() {
        this.clock = null;
        this.format = null;
        this.sink = null;
        this.dropped = null;
        this.problems = null;
        this.queued = null;
        this.writer = null;
        this.state = State.CLOSED;
    }

    private AccessLog(String name, Clock clock, AccessLogFormat format, Sink sink, LongAdder dropped, Logger problems) {
        this.clock = clock;
        this.format = format;
        this.sink = sink;
        this.dropped = dropped;
        this.problems = problems;
        this.queued = new AtomicReference<>();
        this.writer = Thread.ofPlatform().name(name).daemon(true).unstarted(this::writeLoop);
    }

    /** No access log: {@link #enabled()} is false and nothing is recorded. */
    static AccessLog off() {
        return OFF;
    }

    /** Starts the writer thread. */
    static AccessLog start(String name, Clock clock, AccessLogFormat format, Sink sink, LongAdder dropped, Logger problems) {
        AccessLog log = new AccessLog(name, clock, format, sink, dropped, problems);
        log.writer.start();
        return log;
    }

    boolean enabled() {
        return this != OFF;
    }

    /** Whether entries need the referer and user agent. */
    boolean wantsHeaders() {
        return enabled() && format.combined();
    }

    /** Records a finished (or cut) response; from any thread, never blocks. */
    void finish(Entry entry, long bytesSent) {
        if (!enabled()) {
            return;
        }
        entry.bytesSent = bytesSent;
        entry.epochMillis = clock.millis(); // the one clock read per entry: its time and duration
        int weight = entry.weight();
        if (state != State.RUNNING || queuedWeight.addAndGet(weight) > MAX_CHARS) {
            if (state == State.RUNNING) {
                queuedWeight.addAndGet(-weight);
            }
            dropped.increment();
            return;
        }
        Entry newest;
        do {
            newest = queued.get();
            entry.next = newest;
        } while (!queued.compareAndSet(newest, entry));
    }

    /**
     * Reopens the log file at its configured path (after logrotate moved it). Safe from any thread; the
     * writer does it before its next write. The writer also notices by itself, within a second, when
     * the file at the path is no longer the one it has open.
     */
    void reopen() {
        if (enabled()) {
            reopenRequested = true;
            LockSupport.unpark(writer);
        }
    }

    /** Writes what is queued, closes the file and ends the writer thread. */
    @Override
    public void close() {
        if (!enabled() || state != State.RUNNING) {
            return;
        }
        state = State.DRAINING;
        LockSupport.unpark(writer);
        try {
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        List<Entry> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                boolean draining = state == State.DRAINING;
                maybeReopen();
                long weight = 0;
                for (Entry e = queued.getAndSet(null); e != null; e = e.next) { // newest first
                    batch.add(e);
                    weight += e.weight();
                }
                queuedWeight.addAndGet(-weight);
                for (int to = batch.size(); to > 0; to -= MAX_BATCH) { // the oldest are at the end
                    format.formatReversed(batch, Math.max(0, to - MAX_BATCH), to, sink.timestamped());
                    sink.write(format.bytes(), format.length());
                }
                batch.clear(); // the entries link older ones only: once unreferenced, the whole chain is garbage
                if (draining) {
                    return; // read the state before draining: nothing queued before close() is lost
                }
                LockSupport.parkNanos(FLUSH_INTERVAL.toNanos());
            }
        } catch (Throwable t) {
            problems.error("access log writer failed; access logging stops", t);
        } finally {
            state = State.CLOSED;
            for (Entry e = queued.getAndSet(null); e != null; e = e.next) {
                dropped.increment();
            }
            sink.close();
        }
    }

    private void maybeReopen() {
        long now = clock.millis();
        if (reopenRequested || now - lastReopenCheck >= 1000 || now < lastReopenCheck) {
            lastReopenCheck = now;
            boolean force = reopenRequested;
            reopenRequested = false;
            sink.reopen(force);
        }
    }
}
