package dev.netsvc.core.net;

import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Settings;
import dev.netsvc.core.access.AccessKeys;
import dev.netsvc.core.internal.TokenBucket;

import org.slf4j.Logger;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The line a TCP service logs for each connection that ends ({@code <id>.connection-log}, after
 * xinetd's {@code log_on_success} and {@code log_on_failure}): its source, how long it lasted, the bytes
 * each way, what its service added (an exec program's pid and exit status) and, for a failure, why.
 * {@code off} logs none, {@code failure} (the default) those that failed, {@code all} every one. Refusals
 * are the accept path's {@link dev.netsvc.core.internal.RefusalLog}, which it keeps unless this is off.
 *
 * <p>It never blocks the service: the engine's thread (an event loop, say) only puts the line in a
 * bounded queue, and a virtual thread that lives while the queue has lines writes them. At most
 * {@link #LINES_PER_SECOND} lines a second get in (a token bucket on the service's clock); what the
 * rate or a full queue turns away is counted ({@code tcp.connection-log.dropped}) and said in one line at
 * most once a minute.
 */
final class ConnectionLog {

    /** What is logged. */
    enum Mode {
        OFF, FAILURE, ALL;

        static Mode of(Settings settings) {
            return settings.declares(AccessKeys.CONNECTION_LOG)
                    ? valueOf(settings.get(AccessKeys.CONNECTION_LOG).toUpperCase(java.util.Locale.ROOT)) : FAILURE;
        }
    }

    static final int LINES_PER_SECOND = 100;
    static final int QUEUED_LINES = 1024;
    private static final long MINUTE_MILLIS = 60_000;

    private final Mode mode;
    private final Logger log;
    private final Clock clock;
    private final String threadName;
    private final TokenBucket rate;
    private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUED_LINES);
    private final AtomicBoolean writing = new AtomicBoolean();
    private final LongAdder dropped;
    private long droppedUnsaid; // under 'rate'
    private long saidAt;

    ConnectionLog(ServiceContext context) {
        this(Mode.of(context.settings()), context.log(), context.clock(), context.serviceId() + "-connection-log",
                context.counters().counter(Counters.TCP_CONNECTION_LOG_DROPPED));
    }

    ConnectionLog(Mode mode, Logger log, Clock clock, String threadName, LongAdder dropped) {
        this.mode = mode;
        this.log = log;
        this.clock = clock;
        this.threadName = threadName;
        this.dropped = dropped;
        this.rate = new TokenBucket(LINES_PER_SECOND, LINES_PER_SECOND, nanos());
        this.saidAt = clock.millis();
    }

    /** Whether refusals are logged (by the accept path's refusal log). */
    boolean logsRefusals() {
        return mode != Mode.OFF;
    }

    /**
     * Whether the end of a connection that {@code failure} (null: it did not fail) gets a line: asked
     * first, so that a connection without one costs no address formatted and no clock read.
     */
    boolean logsEnd(String failure) {
        return mode == Mode.ALL || (mode == Mode.FAILURE && failure != null);
    }

    /** A connection ended; {@code failure} is null unless it failed. */
    void ended(String source, long millis, long received, long sent, String detail, String failure) {
        if (logsEnd(failure)) {
            offer(line(source, millis, received, sent, detail, failure));
        }
    }

    static String line(String source, long millis, long received, long sent, String detail, String failure) {
        StringBuilder line = new StringBuilder(96).append("connection from ").append(source)
                .append(failure == null ? " ended after " : " failed after ")
                .append(millis / 1000).append('.').append(String.format("%03d", millis % 1000)).append(" s: ")
                .append(received).append(" bytes in, ").append(sent).append(" bytes out");
        if (detail != null) {
            line.append("; ").append(detail);
        }
        if (failure != null) {
            line.append("; ").append(failure);
        }
        return line.toString();
    }

    private void offer(String line) {
        boolean admitted;
        String summary = null;
        synchronized (rate) {
            long now = clock.millis();
            admitted = rate.tryTake(nanos());
            if (!admitted) {
                droppedUnsaid++;
            }
            if (droppedUnsaid > 0 && now - saidAt >= MINUTE_MILLIS) {
                summary = droppedUnsaid + " connection log lines dropped in the last minute (more than "
                        + LINES_PER_SECOND + " a second, or the log could not keep up)";
                droppedUnsaid = 0;
                saidAt = now;
            }
        }
        if (!admitted) {
            dropped.increment();
        } else if (!queue.offer(line)) {
            dropped.increment();
            synchronized (rate) {
                droppedUnsaid++;
            }
        }
        if (summary != null) {
            queue.offer(summary);
        }
        if (!queue.isEmpty() && writing.compareAndSet(false, true)) {
            Thread.ofVirtual().name(threadName).start(this::write);
        }
    }

    /** The writer: lives while there are lines, so a stopped service leaves no thread behind. */
    private void write() {
        while (true) {
            String line;
            while ((line = queue.poll()) != null) {
                log.info(line);
            }
            writing.set(false);
            // a line offered after the last poll but before the flag went down has nobody else to write it
            if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private long nanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
