package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.launcher.config.Configuration;
import dev.netsvc.launcher.config.RestartPolicy;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.text.Problem;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state machine and restart policy of supervised services, on a manual clock, without sockets. */
class SupervisorTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    /** A service that fails its first {@code failStarts} starts, and remembers every context and stop. */
    static class Flaky implements NetService {
        final String id;
        int failStarts;
        final List<ServiceContext> contexts = new ArrayList<>();
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        RuntimeException startFailure = new IllegalStateException("not today");

        Flaky(String id, int failStarts) {
            this.id = id;
            this.failStarts = failStarts;
        }

        public String id() {
            return id;
        }

        public String description() {
            return "flaky";
        }

        public Set<Transport> transports() {
            return Set.of(Transport.TCP);
        }

        public int defaultPort() {
            return 1000;
        }

        public RunningService start(ServiceContext context) throws IOException {
            starts.incrementAndGet();
            contexts.add(context);
            if (failStarts > 0) {
                failStarts--;
                throw startFailure;
            }
            return new RunningService() {
                public List<Endpoint> endpoints() {
                    return List.of(new Endpoint(Transport.TCP, new InetSocketAddress(context.address().getAddress(), 4242)));
                }

                public void stop(Duration grace) {
                    stops.incrementAndGet();
                }
            };
        }

        ServiceContext last() {
            return contexts.get(contexts.size() - 1);
        }
    }

    private Supervisor supervisor() {
        return new Supervisor(clock, Path.of("."), Duration.ofSeconds(1));
    }

    private static ServicePlan plan(NetService service, String... settings) {
        Configuration config = new Configuration(Map.of(service.id(), ServiceInfo.of(service, "test-plugin", "1.2.3")));
        for (String s : settings) {
            config.addSetting(s);
        }
        return config.plan().services().get(0);
    }

    private static SupervisedService added(Supervisor supervisor, ServicePlan plan) {
        supervisor.add(plan);
        return supervisor.service(plan.id());
    }

    private void advance(Supervisor supervisor, long millis) {
        clock.advance(Duration.ofMillis(millis));
        supervisor.tick();
    }

    @Test
    void aStartThatThrowsBacksOffDoublingOnTheClockThenRuns() {
        Flaky flaky = new Flaky("flaky", 2);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky));
        assertEquals(ServiceState.BACKOFF, s.state());
        assertEquals("not today", s.reason());

        advance(supervisor, 99);
        assertEquals(1, flaky.starts.get(), "no retry before 100 ms");
        advance(supervisor, 1);
        assertEquals(2, flaky.starts.get(), "retry at 100 ms");
        assertEquals(ServiceState.BACKOFF, s.state());

        advance(supervisor, 199);
        assertEquals(2, flaky.starts.get(), "the second wait is 200 ms");
        advance(supervisor, 1);
        assertEquals(ServiceState.RUNNING, s.state());
        assertEquals(2, s.status().restarts());
        assertEquals(List.of(4242), s.status().endpoints().stream().map(Endpoint::port).toList());
        assertEquals("1.2.3", s.status().pluginVersion());
    }

    @Test
    void aDeathIsHeardAndTheServiceRestartsWithCountersThatAreTotals() {
        Flaky flaky = new Flaky("dies", 0);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky));
        assertEquals(ServiceState.RUNNING, s.state());
        flaky.last().counters().increment("tcp.connections.accepted");

        flaky.last().failed(new IllegalStateException("event loop ended"));
        assertEquals(ServiceState.RUNNING, s.state(), "a death is handled by the supervisor thread, at its tick");
        supervisor.tick();
        assertEquals(ServiceState.BACKOFF, s.state());
        assertEquals("died: event loop ended", s.reason());
        assertEquals(1, flaky.stops.get(), "what was left of the dead service is stopped");

        advance(supervisor, 100);
        assertEquals(ServiceState.RUNNING, s.state());
        assertSame(flaky.contexts.get(0).counters(), flaky.last().counters(), "one counters object across restarts");
        flaky.last().counters().increment("tcp.connections.accepted");
        assertEquals(2L, s.status().counters().get("tcp.connections.accepted"));
    }

    @Test
    void aLateDeathFromAnEarlierRunIsIgnored() {
        Flaky flaky = new Flaky("late", 0);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky));
        ServiceContext first = flaky.last();
        supervisor.restart("late");
        first.failed(new IllegalStateException("old news"));
        supervisor.tick();
        assertEquals(ServiceState.RUNNING, s.state());
        assertEquals(2, flaky.starts.get());
    }

    @Test
    void onFailureGivesUpAfterTheLimitWithinTheWindow() {
        Flaky flaky = new Flaky("limited", 100);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky, "limited.restart-limit=3", "limited.restart-window=60s"));
        for (long wait : new long[] {100, 200, 400}) {
            assertEquals(ServiceState.BACKOFF, s.state());
            advance(supervisor, wait);
        }
        assertEquals(ServiceState.FAILED, s.state(), "3 restarts within 60 s, then failed");
        assertEquals(4, flaky.starts.get());
        advance(supervisor, 3_600_000);
        assertEquals(4, flaky.starts.get(), "failed stays failed");

        flaky.failStarts = 0;
        supervisor.start("limited");
        assertEquals(ServiceState.RUNNING, s.state(), "the operator's start tries again");
    }

    @Test
    void restartsOlderThanTheWindowNoLongerCount() {
        Flaky flaky = new Flaky("window", 0);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky, "window.restart-limit=1", "window.restart-window=10s"));
        flaky.last().failed(new IllegalStateException("one"));
        supervisor.tick();
        advance(supervisor, 100);
        assertEquals(ServiceState.RUNNING, s.state());

        clock.advance(Duration.ofSeconds(11));
        flaky.last().failed(new IllegalStateException("two, much later"));
        supervisor.tick();
        assertEquals(ServiceState.BACKOFF, s.state(), "the first restart left the window");
        advance(supervisor, 100);
        assertEquals(ServiceState.RUNNING, s.state());

        flaky.last().failed(new IllegalStateException("three, soon after"));
        supervisor.tick();
        assertEquals(ServiceState.FAILED, s.state());
        assertTrue(s.reason().contains("three, soon after"), s.reason());
    }

    @Test
    void neverFailsAtTheFirstFailure() {
        Flaky flaky = new Flaky("once", 1);
        SupervisedService s = added(supervisor(), plan(flaky, "once.restart=never"));
        assertEquals(ServiceState.FAILED, s.state());
    }

    @Test
    void alwaysKeepsTryingWithTheBackoffCappedAtThirtySeconds() {
        Flaky flaky = new Flaky("stubborn", 1000);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky, "stubborn.restart=always", "stubborn.restart-window=1h"));
        for (int i = 0; i < 20; i++) {
            assertEquals(ServiceState.BACKOFF, s.state());
            Instant due = s.retryAt();
            long wait = Duration.between(clock.instant(), due).toMillis();
            assertEquals(Math.min(100L << i, 30_000L), wait, "wait before restart " + (i + 1));
            advance(supervisor, wait);
        }
        assertEquals(21, flaky.starts.get());
    }

    @Test
    void backoffDoublesFromAHundredMillisecondsToThirtySeconds() {
        assertEquals(Duration.ofMillis(100), RestartPolicy.backoff(0));
        assertEquals(Duration.ofMillis(200), RestartPolicy.backoff(1));
        assertEquals(Duration.ofMillis(25_600), RestartPolicy.backoff(8));
        assertEquals(Duration.ofSeconds(30), RestartPolicy.backoff(9));
        assertEquals(Duration.ofSeconds(30), RestartPolicy.backoff(1000));
    }

    @Test
    void stopFromBackoffStaysStopped() {
        Flaky flaky = new Flaky("halted", 5);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky));
        supervisor.stop("halted");
        assertEquals(ServiceState.STOPPED, s.state());
        advance(supervisor, 60_000);
        assertEquals(1, flaky.starts.get());
    }

    @Test
    void aConfigurationErrorAtStartFailsAtOnceAndPropagates() {
        Flaky flaky = new Flaky("badconf", 1);
        flaky.startFailure = new ConfigException("badconf.file", "badconf.file: line 3 is not a quote");
        Supervisor supervisor = supervisor();
        ConfigException e = assertThrows(ConfigException.class, () -> supervisor.add(plan(flaky)));
        assertEquals("badconf.file", e.key());
        assertEquals(ServiceState.FAILED, supervisor.service("badconf").state());
    }

    @Test
    void removingAPluginStopsAndForgetsItsServices() {
        Flaky flaky = new Flaky("gone", 0);
        Supervisor supervisor = supervisor();
        supervisor.add(plan(flaky));
        supervisor.remove(List.of("gone"));
        assertEquals(1, flaky.stops.get());
        assertTrue(supervisor.statuses().isEmpty());
    }

    @Test
    void stopAllReportsStoppedEvenWhenAStopHangs() throws Exception {
        NetService hangs = new Flaky("hangs", 0) {
            @Override
            public RunningService start(ServiceContext context) {
                return new RunningService() {
                    public List<Endpoint> endpoints() {
                        return List.of();
                    }

                    public void stop(Duration grace) {
                        try {
                            Thread.sleep(Duration.ofMinutes(5)); // a plugin that ignores its grace
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                };
            }
        };
        Supervisor supervisor = new Supervisor(clock, Path.of("."), Duration.ofMillis(200));
        SupervisedService s = added(supervisor, plan(hangs));
        long t0 = System.nanoTime();
        supervisor.stopAll();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ServiceState.STOPPED, s.state());
        assertTrue(millis < 200 + Stopper.MARGIN.toMillis() + 1000, "abandoned after grace + margin, took " + millis);
    }

    @Test
    void aRenewalWhoseNewInstanceCannotStartChangesNothing() {
        Flaky flaky = new Flaky("renew", 0);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky));
        ServiceContext old = flaky.last();
        flaky.failStarts = 1;
        Supervisor.Renewal renewal = supervisor.reconfigure(List.of(plan(flaky, "renew.port=4321")), List.of(), List.of(), List.of());
        assertEquals("renew: not today", renewal.refused().orElseThrow().toString());
        assertEquals(ServiceState.RUNNING, s.state());
        assertEquals(0, flaky.stops.get(), "the running instance was not touched");
        assertEquals(1000, s.plan().port(), "the old plan stays");
        assertSame(old.counters(), flaky.last().counters(), "the new instance would have continued the counters");
    }

    @Test
    void theOldInstanceServesThroughTheProbationAndStopsAtTheEnd() {
        Flaky flaky = new Flaky("renew", 0);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky));
        Supervisor.Renewal renewal = supervisor.reconfigure(List.of(plan(flaky, "renew.port=4321")), List.of(), List.of(), List.of());
        assertTrue(renewal.refused().isEmpty());
        assertEquals(2, flaky.starts.get(), "the new instance started beside the old one");
        assertEquals(0, flaky.stops.get(), "the old one still serves");
        assertTrue(renewal.onProbation());
        assertEquals(4321, s.plan().port());
        assertEquals(List.of(), renewal.finish());
        Await.until(Duration.ofSeconds(10), "the old one stopped when the probation ended", () -> flaky.stops.get() == 1);
        assertEquals(ServiceState.RUNNING, s.state());
    }

    @Test
    void aNewInstanceThatDiesOnProbationGivesWayToTheOldOneWhichNeverStopped() {
        Flaky flaky = new Flaky("renew", 0);
        Supervisor supervisor = supervisor();
        SupervisedService s = added(supervisor, plan(flaky));
        Supervisor.Renewal renewal = supervisor.reconfigure(List.of(plan(flaky, "renew.port=4321")), List.of(), List.of(), List.of());
        flaky.last().failed(new IllegalStateException("accept loop lost"));
        supervisor.tick();
        assertEquals(1, flaky.stops.get(), "the dead new instance was stopped");
        assertEquals(1000, s.plan().port(), "the old plan is back");
        assertEquals(ServiceState.RUNNING, s.state());
        assertEquals(0, s.status().restarts(), "not a restart: the old instance went on");
        assertEquals(List.of(new Problem("renew", "the new instance died on probation: accept loop lost")), renewal.finish());
        assertEquals(1, flaky.stops.get(), "finishing stops nothing more: the old instance is the service");
    }

    @Test
    void theLoopIsAliveWhileItGoesRoundOnTheClock() {
        Supervisor supervisor = supervisor();
        assertTrue(supervisor.loopAlive(Duration.ofSeconds(10)));
        clock.advance(Duration.ofSeconds(9));
        supervisor.tick();
        clock.advance(Duration.ofSeconds(10));
        assertTrue(supervisor.loopAlive(Duration.ofSeconds(10)), "10 s since the last round");
        clock.advance(Duration.ofMillis(1));
        assertFalse(supervisor.loopAlive(Duration.ofSeconds(10)), "a wedged loop");
        supervisor.tick();
        assertTrue(supervisor.loopAlive(Duration.ofSeconds(10)));
    }

    @Test
    void heartbeatsRunAtTheEndOfEveryRoundOfTheLoop() {
        Supervisor supervisor = supervisor();
        java.util.concurrent.atomic.AtomicInteger beats = new java.util.concurrent.atomic.AtomicInteger();
        supervisor.addHeartbeat(beats::incrementAndGet);
        supervisor.tick();
        supervisor.tick();
        assertEquals(2, beats.get());
    }
}
