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

        /**
         * Writes {@code length} bytes of whole lines, each ending in a newline, all or none: returns the
         * cause when they could not all be written (a full disk), and then none of them is left on disk.
         */
        String write(byte[] lines, int length);

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
        /** The client's name ({@code authuser}): its TLS certificate's, or null. */
        final String user;
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
            this(remote, null, requestLine, status, referer, userAgent, startMillis);
        }

        Entry(String remote, String user, String requestLine, int status, String referer, String userAgent, long startMillis) {
            this.remote = remote;
            this.user = user;
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
        public String write(byte[] lines, int length) {
            int from = 0;
            for (int i = 0; i < length; i++) {
                if (lines[i] == '\n') {
                    log.info(new String(lines, from, i - from, java.nio.charset.StandardCharsets.US_ASCII));
                    from = i + 1;
                }
            }
            return null;
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
    /** A failing log says so at most this often. */
    static final long WARN_EVERY_MILLIS = 60_000;
    // the writer thread's own: when writing began to fail (-1: it works), lines lost since, since the last warning
    private long failingSince = -1;
    private long lost;
    private long lostSinceWarning;
    private long lastWarning;
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
                    int from = Math.max(0, to - MAX_BATCH);
                    format.formatReversed(batch, from, to, sink.timestamped());
                    written(sink.write(format.bytes(), format.length()), to - from);
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

    /**
     * After each write of {@code lines} lines: a failure counts them as dropped and says so at most once a
     * minute, with how many were lost since it last said; the first write that works again says so too.
     */
    private void written(String failure, int lines) {
        long now = clock.millis();
        if (failure == null) {
            if (lostSinceWarning > 0 || failingSince >= 0) {
                problems.info("the access log is written again; {} lines were lost", lost);
                lostSinceWarning = 0;
                lost = 0;
                failingSince = -1;
            }
            return;
        }
        dropped.add(lines);
        lost += lines;
        lostSinceWarning += lines;
        if (failingSince < 0 || now - lastWarning >= WARN_EVERY_MILLIS || now < lastWarning) {
            problems.warn("cannot write the access log: {}; {} lines lost (counted in http.access-log.dropped)",
                    failure, lostSinceWarning);
            lastWarning = now;
            lostSinceWarning = 0;
            if (failingSince < 0) {
                failingSince = now;
            }
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
