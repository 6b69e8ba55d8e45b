package dev.netsvc.launcher.host;

import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.text.Problem;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LaunchTest {

    @Test
    void theReadyLineNamesWhatIsNotRunningAndWhy() {
        assertEquals("netsvc ready: 7 of 7 services running", new Launch(7, 7, List.of(), Map.of()).readyLine());
        assertEquals("netsvc ready: 1 of 1 service running", new Launch(1, 1, List.of(), Map.of()).readyLine());
        assertEquals("http 120.5 ms, time 3.0 ms, qotd 0.4 ms", new Launch(3, 3, List.of(),
                Map.of("qotd", 400_000L, "http", 120_450_001L, "time", 3_000_000L)).startTimes(), "the start trace's detail, longest first");
        String backoff = Launch.brief(ServiceState.BACKOFF, "port 8080 on 127.0.0.1 is already in use by another process (tcp)");
        assertEquals("netsvc ready: 6 of 7 services running; http: backoff (port 8080 on 127.0.0.1 is already in use)",
                new Launch(7, 6, List.of(new Problem("http", backoff)), Map.of()).readyLine());
        assertEquals("failed (restart=never)", Launch.brief(ServiceState.FAILED, "restart=never"));
    }
}
