package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.net.SocketErrors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Starts every enabled service and stops them all on shutdown. A service that cannot start is reported
 * in one line (service, address, cause) and the others run on; a service that fails to stop within its
 * grace period cannot hold the others up.
 */
final class Supervisor {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    record Started(Configuration.ServicePlan plan, RunningService running, ServiceCounters counters, Instant at) {
    }

    private final Path home;
    // copy-on-write: the admin endpoint reads them from its own threads (SupervisorView)
    private final List<Started> started = new CopyOnWriteArrayList<>();
    private final List<Problem> failures = new CopyOnWriteArrayList<>();
    private ConfigException configError;

    Supervisor(Path home) {
        this.home = home;
    }

    /**
     * Starts the enabled services of {@code plan} in order; returns how many are running. A service
     * that finds its configuration unusable only when it starts (a quotes file with a bad line, say)
     * throws {@link ConfigException}: that ends the start, as any configuration error does, and
     * {@link #configError()} holds it.
     */
    int start(Configuration.Plan plan) {
        for (Configuration.ServicePlan service : plan.enabled()) {
            start(service);
            if (configError != null) {
                break;
            }
        }
        return started.size();
    }

    /** The configuration error a service reported when it started, if any. */
    Optional<ConfigException> configError() {
        return Optional.ofNullable(configError);
    }

    private void start(Configuration.ServicePlan plan) {
        String id = plan.service().id();
        ServiceCounters counters = new ServiceCounters();
        ServiceContext context = ServiceContext.builder(id)
                .bind(plan.bind(), plan.port())
                .settings(plan.settings())
                .log(LoggerFactory.getLogger(id))
                .counters(counters)
                .home(home)
                .build();
        try {
            RunningService running = plan.service().service().start(context);
            started.add(new Started(plan, running, counters, Instant.now()));
            for (Endpoint endpoint : running.endpoints()) {
                log.info("{} listening on {}", id, endpoint);
            }
        } catch (ConfigException e) {
            configError = e;
        } catch (Exception | LinkageError e) {
            String target = plan.service().transportLabel() + " " + dev.netsvc.core.net.HostPort.format(context.address());
            String cause = (e instanceof java.io.IOException) ? SocketErrors.explain(e, target).toString()
                    : PluginHost.plainCause(e);
            failures.add(new Problem(id, cause));
            log.error("{} failed to start: {}", id, cause);
        }
    }

    /** The services running now, in start order. */
    List<Started> started() {
        return List.copyOf(started);
    }

    List<Problem> failures() {
        return List.copyOf(failures);
    }

    /**
     * Stops every running service, in parallel, each with {@code grace}; returns when all have stopped or
     * a little after the grace period, whichever is first.
     */
    void stopAll(Duration grace) {
        List<Thread> stoppers = new ArrayList<>();
        for (Started s : started.reversed()) {
            Thread t = Thread.ofPlatform().name("stop-" + s.plan().service().id()).daemon(true).start(() -> stop(s, grace));
            stoppers.add(t);
        }
        long deadline = System.nanoTime() + grace.plusSeconds(2).toNanos();
        for (Thread t : stoppers) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    t.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                log.warn("{} did not stop within {} ms", t.getName().substring("stop-".length()), grace.toMillis());
            }
        }
        started.clear();
    }

    private static void stop(Started s, Duration grace) {
        String id = s.plan().service().id();
        try {
            s.running().stop(grace);
            log.info("{} stopped{}", id, summary(s.counters().snapshot()));
        } catch (RuntimeException | LinkageError e) {
            log.warn("{} failed to stop cleanly: {}", id, PluginHost.plainCause(e));
        }
    }

    private static String summary(Map<String, Long> counters) {
        if (counters.isEmpty()) {
            return "";
        }
        return " (" + counters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }
}
