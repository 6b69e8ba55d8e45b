package dev.netsvc.exec;

import org.slf4j.Logger;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;

/**
 * Programs that could not be started (the system is out of processes, memory or descriptors; the file
 * went away): counted ({@code exec.start-failed}) and logged at most once a minute with how many failed
 * since, on the service's clock. Never a failure of the service: that client is closed, or that datagram
 * gets no reply, and the next one is tried afresh.
 */
final class StartFailures {

    private static final long MINUTE_MILLIS = 60_000;

    private final Logger log;
    private final Clock clock;
    private final String command;
    private final LongAdder failed;
    private long saidAt = Long.MIN_VALUE; // under 'this'
    private long unsaid;

    StartFailures(Logger log, Clock clock, String command, LongAdder failed) {
        this.log = log;
        this.clock = clock;
        this.command = command;
        this.failed = failed;
    }

    void failed(IOException e) {
        failed.increment();
        long now = clock.millis();
        long since;
        synchronized (this) {
            unsaid++;
            if (saidAt != Long.MIN_VALUE && now - saidAt < MINUTE_MILLIS) {
                return;
            }
            since = unsaid;
            unsaid = 0;
            saidAt = now;
        }
        log.warn("cannot start {}: {}{}", command, e.getMessage(),
                since > 1 ? " (" + since + " starts failed since the last line)" : "; further failures are logged at most once a minute");
    }
}
