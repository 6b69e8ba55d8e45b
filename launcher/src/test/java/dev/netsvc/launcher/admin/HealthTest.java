package dev.netsvc.launcher.admin;

import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthTest {

    @Test
    void namesEveryEnabledServiceThatIsNotRunningAndIgnoresDisabledOnes() {
        Health health = Health.of(FakeHostView.typical());
        assertFalse(health.healthy());
        assertEquals("http: backoff (port 8080 on 127.0.0.1 is already in use <script>alert(\"x\")</script> & more)\n",
                health.text());
    }

    @Test
    void okWhenEveryEnabledServiceRuns() {
        FakeHostView view = FakeHostView.typical();
        view.set(view.services().stream().filter(s -> !s.id().equals("http")).toList());
        Health health = Health.of(view);
        assertTrue(health.healthy());
        assertEquals("ok\n", health.text());
    }

    @Test
    void oneLinePerServiceEvenWhenTheReasonHasNewlines() {
        ServiceStatus s = FakeHostView.typical().services().get(0);
        FakeHostView view = new FakeHostView(List.of(
                new ServiceStatus("a", "p", "1", true, ServiceState.FAILED, s.since(), "gave up:\n  5 restarts in 60s",
                        s.transports(), List.of(), 5, s.counters()),
                new ServiceStatus("b", "p", "1", true, ServiceState.STARTING, s.since(), "", s.transports(), List.of(), 0,
                        s.counters())));
        assertEquals("a: failed (gave up: 5 restarts in 60s)\nb: starting\n", Health.of(view).text());
    }
}
