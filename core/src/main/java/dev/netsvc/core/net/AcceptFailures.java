package dev.netsvc.core.net;

import dev.netsvc.core.internal.FileDescriptors;
import org.slf4j.Logger;

import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What an accept loop does when accept() fails, typically EMFILE/ENFILE (out of file descriptors): back
 * off (50 ms, doubling up to 1 s) instead of spinning, log one warning per minute on the service clock
 * naming the limit and the fix instead of one line per failure, and say once when accepting works again.
 * Thread-safe; one per server.
 */
final class AcceptFailures {

    static final long WARN_INTERVAL_MILLIS = 60_000;
    static final long FIRST_PAUSE_MILLIS = 50;
    static final long MAX_PAUSE_MILLIS = 1000;

    private final Logger log;
    private final Clock clock;
    private final String where;
    private final LongAdder counter;
    private long pause;
    private long warnedAt = Long.MIN_VALUE;
    private long sinceWarning;
    private long failuresInRow;

    /** @param where the listening endpoint, e.g. {@code tcp 127.0.0.1:7007}, for the log lines */
    public AcceptFailures(Logger log, Clock clock, String where, LongAdder counter) {
        this.log = log;
        this.clock = clock;
        this.where = where;
        this.counter = counter;
    }

    /** Counts and maybe logs a failed accept; returns how long to pause before the next one, in ms. */
    public synchronized long failed(IOException e) {
        counter.increment();
        failuresInRow++;
        pause = pause == 0 ? FIRST_PAUSE_MILLIS : Math.min(MAX_PAUSE_MILLIS, pause * 2);
        long now = clock.millis();
        if (warnedAt == Long.MIN_VALUE || now - warnedAt >= WARN_INTERVAL_MILLIS) {
            String more = sinceWarning > 0 ? " (" + sinceWarning + " more failures since the last warning)" : "";
            log.warn("accept on {} failed: {}{}; pausing accepts, next warning in a minute at the earliest",
                    where, explain(e), more);
            warnedAt = now;
            sinceWarning = 0;
        } else {
            sinceWarning++;
        }
        return pause;
    }

    /** An accept worked: if it had been failing, say so once. */
    public void succeeded() {
        if (failuresInRow == 0) {
            return; // the common case, without the lock
        }
        synchronized (this) {
            if (failuresInRow > 0) {
                log.info("accept on {} works again after {} failures", where, failuresInRow);
                failuresInRow = 0;
                pause = 0;
            }
        }
    }

    /** The cause in plain words; for EMFILE/ENFILE, the limit and how to raise it. */
    static String explain(IOException e) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("too many open files in system")) {
            return "the system is out of file descriptors (ENFILE: " + message + "); raise fs.file-max or close "
                    + "other programs' files";
        }
        if (lower.contains("too many open files")) {
            OptionalLong limit = FileDescriptors.limit();
            String max = limit.isPresent() ? " of " + limit.getAsLong() : "";
            return "the process is out of file descriptors (EMFILE: all" + max + " in use); raise the limit with "
                    + "'ulimit -n' before starting netsvc or LimitNOFILE= in its systemd unit, or lower max-connections";
        }
        return e.toString();
    }
}
