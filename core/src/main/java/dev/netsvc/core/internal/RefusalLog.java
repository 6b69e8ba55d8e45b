package dev.netsvc.core.internal;

import dev.netsvc.core.access.RefusalReason;

import org.slf4j.Logger;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logs refusals without letting a flood of them flood the log: the first refusal of a source is logged
 * at once, later ones within the minute are counted and reported in one line with the count when the
 * source is refused again after the minute. At most {@link #LINES_PER_MINUTE} lines a minute in all;
 * sources beyond that are summed into one line. The table of sources is bounded
 * ({@link #TRACKED_SOURCES}, least recently refused forgotten first). Time is the service's clock.
 * Thread-safe.
 */
public final class RefusalLog {

    static final long MINUTE_MILLIS = 60_000;
    static final int TRACKED_SOURCES = 1024;
    static final int LINES_PER_MINUTE = 100;

    private static final class Window {
        long since;
        int suppressed;

        Window(long since) {
            this.since = since;
        }
    }

    private final Logger log;
    private final Clock clock;
    private final String what;
    private final Map<SourceKey, Window> sources = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SourceKey, Window> eldest) {
            return size() > TRACKED_SOURCES;
        }
    };
    private long budgetSince = Long.MIN_VALUE;
    private int budgetUsed;
    private long unlogged;

    /** @param what what is refused, plural, e.g. {@code connections} or {@code datagrams} */
    public RefusalLog(Logger log, Clock clock, String what) {
        this.log = log;
        this.clock = clock;
        this.what = what;
    }

    public synchronized void refused(java.net.InetAddress source, RefusalReason reason) {
        long now = clock.millis();
        SourceKey key = SourceKey.of(source);
        Window e = sources.get(key);
        if (e == null) {
            if (takeLine(now)) {
                sources.put(key, new Window(now));
                log.info("refused {} from {} ({}); further refusals from it are logged at most once a minute",
                        what, source.getHostAddress(), reason.label());
            }
            return;
        }
        if (now - e.since < MINUTE_MILLIS) {
            e.suppressed++;
            return;
        }
        if (takeLine(now)) {
            log.info("refused {} more {} from {} in the last minute (last reason: {})", e.suppressed + 1, what,
                    source.getHostAddress(), reason.label());
            e.since = now;
            e.suppressed = 0;
        }
    }

    /** One line from the per-minute budget; reports what the previous minute left unlogged. */
    private boolean takeLine(long now) {
        if (now - budgetSince >= MINUTE_MILLIS || budgetSince == Long.MIN_VALUE) {
            if (unlogged > 0) {
                log.info("refused {} more {} from other sources in the last minute (not logged one by one)",
                        unlogged, what);
            }
            budgetSince = now;
            budgetUsed = 0;
            unlogged = 0;
        }
        if (budgetUsed < LINES_PER_MINUTE) {
            budgetUsed++;
            return true;
        }
        unlogged++;
        return false;
    }
}
