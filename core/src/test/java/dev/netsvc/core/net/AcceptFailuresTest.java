package dev.netsvc.core.net;

import dev.netsvc.core.RecordingLogger;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceptFailuresTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final RecordingLogger log = new RecordingLogger();
    private final LongAdder counter = new LongAdder();
    private final AcceptFailures failures = new AcceptFailures(log, clock, "tcp 127.0.0.1:7007", counter);

    @Test
    void outOfDescriptorsIsOneWarningAMinuteNamingTheLimitAndTheFix() {
        IOException emfile = new IOException("Too many open files");
        long pause = 0;
        for (int i = 0; i < 1000; i++) {
            pause = failures.failed(emfile);
        }
        assertEquals(1000, counter.sum());
        assertEquals(1, log.at(Level.WARN).size());
        String warning = log.at(Level.WARN).get(0).text();
        assertTrue(warning.startsWith("accept on tcp 127.0.0.1:7007 failed: the process is out of file descriptors (EMFILE"), warning);
        assertTrue(warning.contains("'ulimit -n'") && warning.contains("LimitNOFILE="), warning);
        assertEquals(AcceptFailures.MAX_PAUSE_MILLIS, pause, "backs off up to a second");
        clock.advance(Duration.ofMinutes(1));
        failures.failed(emfile);
        assertEquals(2, log.at(Level.WARN).size());
        assertTrue(log.at(Level.WARN).get(1).text().contains("(999 more failures since the last warning)"));
        failures.succeeded();
        failures.succeeded();
        assertEquals(1, log.at(Level.INFO).size(), "recovery is said once");
        assertEquals("accept on tcp 127.0.0.1:7007 works again after 1001 failures", log.at(Level.INFO).get(0).text());
        assertEquals(AcceptFailures.FIRST_PAUSE_MILLIS, failures.failed(emfile), "the back-off starts again");
    }

    @Test
    void theSystemWideLimitIsNamedToo() {
        assertTrue(AcceptFailures.explain(new IOException("Too many open files in system")).contains("ENFILE"));
    }
}
