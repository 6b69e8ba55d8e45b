package dev.netsvc.launcher.systemd;

import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The messages of the notify protocol, and the watchdog's pace on a manual clock. */
class ServiceManagerTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @Test
    void theWatchdogIsPingedOncePerIntervalHowEverOftenTheLoopGoesRound() {
        ServiceManager manager = ServiceManager.over(heard::add, Duration.ofSeconds(15), clock);
        for (int i = 0; i < 100; i++) { // 100 rounds of the supervisor's loop, 50 ms apart: 5 s
            manager.watchdogTick();
            clock.advance(Duration.ofMillis(50));
        }
        assertEquals(List.of("WATCHDOG=1"), heard, "the first round pings, the next 15 s none");
        clock.advance(Duration.ofSeconds(10)); // 15 s since the first ping
        manager.watchdogTick();
        manager.watchdogTick();
        assertEquals(List.of("WATCHDOG=1", "WATCHDOG=1"), heard);
        clock.advance(Duration.ofSeconds(14));
        manager.watchdogTick();
        assertEquals(2, heard.size(), "14 s later: not yet");
        clock.advance(Duration.ofSeconds(1));
        manager.watchdogTick();
        assertEquals(3, heard.size());
    }

    @Test
    void theIntervalIsHalfOfWatchdogUsecForThisProcessOnly() {
        assertEquals(Optional.of(Duration.ofSeconds(15)), ServiceManager.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000"), 7));
        assertEquals(Optional.of(Duration.ofSeconds(15)),
                ServiceManager.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 7));
        assertEquals(Optional.empty(), ServiceManager.watchdogInterval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "8"), 7));
        assertEquals(Optional.empty(), ServiceManager.watchdogInterval(Map.of("WATCHDOG_USEC", "0"), 7));
        assertEquals(Optional.empty(), ServiceManager.watchdogInterval(Map.of("WATCHDOG_USEC", "soon"), 7));
        assertEquals(Optional.empty(), ServiceManager.watchdogInterval(Map.of(), 7));
    }

    @Test
    void readinessReloadAndStopEachSayTheirStatus() {
        ServiceManager manager = ServiceManager.over(heard::add, null, clock);
        manager.ready("netsvc ready: 3 of 3 services running");
        manager.reloading();
        manager.reloaded("reloaded");
        manager.stopping("stopping on SIGTERM");
        manager.watchdogTick();
        assertEquals("READY=1\nSTATUS=netsvc ready: 3 of 3 services running", heard.get(0));
        assertTrue(heard.get(1).matches("RELOADING=1\nMONOTONIC_USEC=\\d+\nSTATUS=reloading the configuration"), heard.get(1));
        assertEquals("READY=1\nSTATUS=reloaded", heard.get(2));
        assertEquals("STOPPING=1\nSTATUS=stopping on SIGTERM", heard.get(3));
        assertEquals(4, heard.size(), "no watchdog without WATCHDOG_USEC");
    }

    @Test
    void withoutANotifySocketNothingIsSent() {
        ServiceManager none = ServiceManager.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"), 1, clock, p -> heard.add(p));
        assertFalse(none.present());
        none.ready("x");
        none.watchdogTick();
        assertTrue(heard.isEmpty());
        ServiceManager odd = ServiceManager.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:1234"), 1, clock, p -> heard.add(p));
        assertFalse(odd.present());
        assertEquals(1, heard.size());
        assertTrue(heard.get(0).startsWith("the service manager's notify socket vsock:2:1234 (NOTIFY_SOCKET) cannot be used:"
                + " netsvc speaks to a Unix socket by path or @name only"), heard.get(0));
    }
}
