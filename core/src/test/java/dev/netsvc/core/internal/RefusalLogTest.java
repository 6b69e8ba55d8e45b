package dev.netsvc.core.internal;

import dev.netsvc.core.RecordingLogger;
import dev.netsvc.core.access.RefusalReason;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusalLogTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final RecordingLogger log = new RecordingLogger();
    private final RefusalLog refusals = new RefusalLog(log, clock, "connections");

    @Test
    void aFloodFromOneSourceIsOneLineAMinuteWithACount() throws Exception {
        for (int i = 0; i < 10_000; i++) {
            refusals.refused(ip("192.0.2.1"), RefusalReason.RATE);
        }
        assertEquals(1, log.lines().size(), log.lines().toString());
        assertEquals("refused connections from 192.0.2.1 (rate); further refusals from it are logged at most once a minute",
                log.lines().get(0).text());
        clock.advance(Duration.ofSeconds(59));
        refusals.refused(ip("192.0.2.1"), RefusalReason.RATE);
        assertEquals(1, log.lines().size(), "still within the minute");
        clock.advance(Duration.ofSeconds(1));
        refusals.refused(ip("192.0.2.1"), RefusalReason.ACL);
        assertEquals(2, log.lines().size());
        assertEquals("refused 10001 more connections from 192.0.2.1 in the last minute (last reason: acl)",
                log.lines().get(1).text());
    }

    @Test
    void manySourcesCannotFloodTheLogEither() throws Exception {
        for (int i = 0; i < 5000; i++) {
            refusals.refused(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), RefusalReason.ACL);
        }
        assertEquals(RefusalLog.LINES_PER_MINUTE, log.lines().size());
        clock.advance(Duration.ofMinutes(1));
        refusals.refused(ip("192.0.2.9"), RefusalReason.ACL);
        assertTrue(log.lines().stream().anyMatch(l -> l.text().equals(
                "refused " + (5000 - RefusalLog.LINES_PER_MINUTE) + " more connections from other sources in the last minute (not logged one by one)")),
                log.lines().toString());
    }

    private static InetAddress ip(String literal) throws java.net.UnknownHostException {
        return InetAddress.getByName(literal); // literals only: no lookup
    }
}
