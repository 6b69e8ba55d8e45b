package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Runs the services of plugin generations without a supervisor, each with {@link SharedListeners}, so a
 * replacing generation takes over its predecessor's listening sockets: the plain start/stop that
 * {@link LivePlugins} needs, for testing it alone.
 */
final class PluginServiceRunner implements PluginServices {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    private static final Duration FAILED_START_GRACE = Duration.ofSeconds(2);

    private record Running(ServiceInfo service, RunningService running) {
    }

    private final Path home;
    private final Duration grace;
    private final SharedListeners listeners;
    private final Function<List<ServiceInfo>, Configuration.Plan> planner;
    private final Map<PluginGeneration, List<Running>> running = new ConcurrentHashMap<>();
    private final Map<String, ServiceCounters> counters = new ConcurrentHashMap<>();

    /**
     * @param planner the configuration of every loaded service plus the given new ones (it throws
     *                {@link ConfigException} when the configuration does not fit them)
     */
    PluginServiceRunner(Path home, Duration grace, SharedListeners listeners,
                        Function<List<ServiceInfo>, Configuration.Plan> planner) {
        this.home = home;
        this.grace = grace;
        this.listeners = listeners;
        this.planner = planner;
    }

    @Override
    public List<Problem> swap(PluginGeneration current, PluginGeneration next) {
        List<Problem> problems = start(next);
        if (problems.isEmpty() && current != null) {
            stop(current);
        }
        return problems;
    }

    @Override
    public Runnable holdListeners(PluginGeneration generation) {
        return listeners.hold(generation.services().stream().map(ServiceInfo::id).toList());
    }

    private List<Problem> start(PluginGeneration generation) {
        List<Problem> problems = new ArrayList<>();
        Configuration.Plan plan;
        try {
            plan = planner.apply(generation.services());
        } catch (ConfigException e) {
            return List.of(new Problem("plugin " + generation.pluginId(), e.getMessage()));
        }
        List<Running> started = new ArrayList<>();
        for (ServiceInfo service : generation.services()) {
            Configuration.ServicePlan sp = plan.services().stream().filter(p -> p.service().id().equals(service.id()))
                    .findFirst().orElse(null);
            if (sp == null || !sp.enabled()) {
                continue;
            }
            ServiceContext context = ServiceContext.builder(service.id())
                    .bind(sp.bind(), sp.port())
                    .settings(sp.settings())
                    .log(LoggerFactory.getLogger(service.id()))
                    .counters(counters.computeIfAbsent(service.id(), id -> new ServiceCounters()))
                    .home(home)
                    .listeners(listeners.forService(service.id()))
                    .build();
            try {
                RunningService r = service.service().start(context);
                started.add(new Running(service, r));
                for (Endpoint endpoint : r.endpoints()) {
                    log.info("{} {} listening on {}", service.id(), generation.version(), endpoint);
                }
            } catch (Exception | LinkageError e) {
                String target = service.transportLabel() + " " + HostPort.format(context.address());
                String cause = e instanceof java.io.IOException ? SocketErrors.explain(e, target).toString()
                        : PluginHost.plainCause(e);
                problems.add(new Problem(service.id(), cause));
                break;
            }
        }
        if (!problems.isEmpty()) {
            stopAll(started, FAILED_START_GRACE); // it may have accepted a connection from a shared socket: let it finish
            return problems;
        }
        running.put(generation, started);
        return List.of();
    }

    @Override
    public void stop(PluginGeneration generation) {
        List<Running> services = running.remove(generation);
        if (services != null) {
            stopAll(services, grace);
        }
    }

    /** The first TCP port {@code serviceId} listens on now, or -1 (tests bind port 0 and read it back). */
    int port(String serviceId) {
        for (List<Running> services : running.values()) {
            for (Running r : services) {
                if (r.service().id().equals(serviceId)) {
                    for (Endpoint e : r.running().endpoints()) {
                        if (e.transport() == dev.netsvc.core.Transport.TCP) {
                            return e.port();
                        }
                    }
                }
            }
        }
        return -1;
    }

    /** Services running now, over all generations. */
    int runningServices() {
        return running.values().stream().mapToInt(List::size).sum();
    }

    // in parallel: one slow service must not hold up the others' grace
    private static void stopAll(List<Running> services, Duration grace) {
        List<Thread> stoppers = new ArrayList<>();
        for (Running r : services) {
            stoppers.add(Thread.ofPlatform().name("stop-" + r.service().id()).start(() -> {
                try {
                    r.running().stop(grace);
                } catch (RuntimeException | LinkageError e) {
                    log.warn("{} failed to stop cleanly: {}", r.service().id(), PluginHost.plainCause(e));
                }
            }));
        }
        for (Thread t : stoppers) {
            try {
                if (!t.join(grace.plusSeconds(3))) {
                    log.warn("{} did not stop within {} ms", t.getName().substring("stop-".length()), grace.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
