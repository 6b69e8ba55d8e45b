package dev.netsvc.launcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the supervised services running: starts them, hears their deaths, restarts them after their
 * backoff, stops them. Every change happens under this object's lock (plugin code and PF4J are not
 * thread-safe), either on the caller's thread (start, stop, reload, add, remove) or on the supervisor
 * thread (deaths and restarts). Reading status takes no lock.
 *
 * <p>Tests drive it without the thread: {@link #tick()} after advancing a manual clock.
 */
final class Supervisor {

    private static final Logger log = LoggerFactory.getLogger("netsvc");
    /** How often the supervisor thread looks at backoff deadlines when nothing wakes it. */
    private static final Duration POLL = Duration.ofMillis(50);

    private final Clock clock;
    private final Path home;
    private final Map<String, SupervisedService> services = new TreeMap<>();
    private final SharedListeners listeners = new SharedListeners();
    private final Queue<SupervisedService.Death> deaths = new ConcurrentLinkedQueue<>();
    private volatile List<SupervisedService> view = List.of();
    private volatile Duration grace;
    private volatile java.util.Set<Integer> udpPorts = java.util.Set.of();
    private volatile Thread thread;
    private volatile boolean closed;
    private volatile java.util.function.BiConsumer<ServiceInfo, String> deathWatch = (service, cause) -> { };

    Supervisor(Clock clock, Path home, Duration grace) {
        this.clock = clock;
        this.home = home;
        this.grace = grace;
    }

    /** Starts the supervisor thread, which handles deaths and backoff on the real clock. */
    void startThread() {
        thread = Thread.ofPlatform().name("supervisor").daemon(true).start(() -> {
            while (!closed) {
                try {
                    tick();
                } catch (RuntimeException | LinkageError e) { // plugin code misbehaving: the supervisor goes on
                    log.error("supervisor: {}", PluginHost.plainCause(e));
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        });
    }

    /**
     * Told of every death of a running service, with its plain cause (the live plugins folder watches a
     * replacement on probation). Called on the supervisor thread under its lock: it must not block or lock.
     */
    void deathWatch(java.util.function.BiConsumer<ServiceInfo, String> watch) {
        this.deathWatch = watch;
    }

    /**
     * Keeps the listening sockets of {@code serviceIds} open, whoever releases them, until the returned
     * action runs: a replacement on probation that dies leaves its port open for the version coming back.
     */
    Runnable holdListeners(List<String> serviceIds) {
        return listeners.hold(serviceIds);
    }

    /** The UDP ports of the enabled services, which each UDP guard treats as loop ports. */
    void udpPorts(java.util.Set<Integer> ports) {
        this.udpPorts = java.util.Set.copyOf(ports);
    }

    /** The grace a service has to stop, in restarts and at shutdown. */
    void grace(Duration newGrace) {
        this.grace = newGrace;
    }

    /**
     * Adds a service to supervise and starts it if its plan enables it. A {@link dev.netsvc.core.ConfigException}
     * thrown by its start propagates (the service is FAILED and stays known).
     */
    synchronized SupervisedService add(Configuration.ServicePlan plan) {
        SupervisedService service = register(plan);
        if (plan.enabled()) {
            service.start();
        }
        return service;
    }

    // A new supervised service, not started; under this object's lock
    private SupervisedService register(Configuration.ServicePlan plan) {
        String id = plan.service().id();
        if (services.containsKey(id)) {
            throw new IllegalStateException("service " + id + " is already supervised");
        }
        SupervisedService service = new SupervisedService(plan, clock, home, () -> udpPorts, this::reportDeath,
                listeners.forService(id), new dev.netsvc.core.ServiceCounters());
        services.put(id, service);
        view = List.copyOf(services.values());
        return service;
    }

    /**
     * Adds the services of a launch and starts the enabled ones at the same time, one thread each, under
     * this object's lock (each thread starts its own service; nothing else changes meanwhile): a start
     * is mostly waiting for class loading, binding and thread starts, and seven of them one after
     * another were a third of netsvc's start. Returns, once every start has ended, how long each enabled
     * service's start took in nanoseconds (for the start trace). A {@link dev.netsvc.core.ConfigException}
     * of one start is thrown once all have ended.
     */
    synchronized Map<String, Long> addAll(List<Configuration.ServicePlan> plans) {
        List<SupervisedService> enabled = new ArrayList<>();
        for (Configuration.ServicePlan plan : plans) {
            SupervisedService service = register(plan);
            if (plan.enabled()) {
                enabled.add(service);
            }
        }
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> starters = new ArrayList<>();
        Map<String, Long> took = new java.util.concurrent.ConcurrentHashMap<>();
        for (SupervisedService s : enabled) {
            starters.add(Thread.ofPlatform().name("start-" + s.id()).start(() -> {
                long began = System.nanoTime();
                try {
                    s.start();
                } catch (RuntimeException e) { // a ConfigException; anything else is the service's FAILED state
                    failure.compareAndSet(null, e);
                } finally {
                    took.put(s.id(), System.nanoTime() - began);
                }
            }));
        }
        for (Thread t : starters) {
            try {
                t.join(); // a start is bounded by the service's own code; the host is not up without it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return took;
    }

    /**
     * A new plugin version's service, started (if its plan enables it) beside the running service of the
     * same id, from which it takes over the listening sockets and the counters. It is not supervised
     * until {@link #commit}; {@link #abandon} stops it again. A start that fails leaves it not RUNNING.
     */
    synchronized SupervisedService prepare(Configuration.ServicePlan plan) {
        String id = plan.service().id();
        SupervisedService old = services.get(id);
        SupervisedService fresh = new SupervisedService(plan, clock, home, () -> udpPorts, this::reportDeath, listeners.forService(id),
                old != null ? old.counters() : new dev.netsvc.core.ServiceCounters());
        if (plan.enabled()) {
            fresh.start();
        }
        return fresh;
    }

    /**
     * Supervises the prepared services in place of the services of the same ids, stops those (in
     * parallel, each draining within the grace) and every service in {@code retired} (ids the new version
     * no longer provides).
     */
    synchronized void commit(List<SupervisedService> fresh, List<String> retired) {
        List<SupervisedService> old = new ArrayList<>();
        for (SupervisedService s : fresh) {
            SupervisedService previous = services.put(s.id(), s);
            if (previous != null) {
                old.add(previous);
            }
        }
        for (String id : retired) {
            SupervisedService previous = services.remove(id);
            if (previous != null) {
                old.add(previous);
            }
        }
        view = List.copyOf(services.values());
        stopInParallel(old);
    }

    /** Stops prepared services that will not be supervised (the new version could not start). */
    synchronized void abandon(List<SupervisedService> fresh) {
        stopInParallel(fresh);
    }

    private void stopInParallel(List<SupervisedService> stopping) {
        List<Thread> stoppers = new ArrayList<>();
        for (SupervisedService s : stopping) {
            stoppers.add(Thread.ofPlatform().name("stop-" + s.id()).daemon(true).start(() -> s.stop(grace)));
        }
        long deadline = System.nanoTime() + grace.plus(Stopper.MARGIN).plus(Stopper.MARGIN).toNanos();
        for (Thread t : stoppers) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops (within the grace) and forgets every service of {@code pluginId}; returns their ids. */
    synchronized List<String> removePlugin(String pluginId) {
        List<String> removed = new ArrayList<>();
        for (SupervisedService s : List.copyOf(services.values())) {
            if (s.pluginId().equals(pluginId)) {
                s.stop(grace);
                services.remove(s.id());
                removed.add(s.id());
            }
        }
        view = List.copyOf(services.values());
        return removed;
    }

    /** Stops (within the grace) and forgets one service. */
    synchronized void remove(String id) {
        SupervisedService s = services.remove(id);
        if (s != null) {
            s.stop(grace);
            view = List.copyOf(services.values());
        }
    }

    /** The operator's start: from any state but running; the restart count starts over. */
    synchronized void start(String id) {
        SupervisedService s = require(id);
        s.forgetRestarts();
        s.start();
    }

    synchronized void stop(String id) {
        require(id).stop(grace);
    }

    synchronized void restart(String id) {
        SupervisedService s = require(id);
        s.stop(grace);
        s.forgetRestarts();
        s.start();
    }

    /** Gives a service a new plan (a reload) that takes effect at its next start. */
    synchronized void replan(String id, Configuration.ServicePlan plan) {
        require(id).plan(plan);
    }

    synchronized SupervisedService service(String id) {
        return services.get(id);
    }

    private SupervisedService require(String id) {
        SupervisedService s = services.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no service " + id);
        }
        return s;
    }

    /** Handles the deaths reported since the last tick, then restarts the services whose backoff is over. */
    synchronized void tick() {
        for (SupervisedService.Death d; (d = deaths.poll()) != null; ) {
            if (d.service().died(d.generation(), d.cause(), grace)) {
                deathWatch.accept(d.service().plan().service(), PluginHost.plainCause(d.cause()));
            }
        }
        for (SupervisedService s : List.copyOf(services.values())) {
            try {
                s.tick();
            } catch (dev.netsvc.core.ConfigException e) {
                // logged and FAILED by the service; a restart cannot fix its configuration
            }
        }
    }

    // Called from the dying service's own thread: queue it for the supervisor thread, which may have
    // to join that very thread while stopping the service.
    private void reportDeath(SupervisedService.Death death) {
        deaths.add(death);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Every service, by id; no lock. */
    List<ServiceStatus> statuses() {
        return view.stream().map(SupervisedService::status).toList();
    }

    /** Every supervised service, by id; no lock (their fields are volatile). */
    List<SupervisedService> services() {
        return view;
    }

    /**
     * Stops every service in parallel and returns when all have stopped or the grace plus a margin has
     * passed, whichever is first; the supervisor thread ends.
     */
    synchronized void stopAll() {
        closed = true;
        Duration g = grace;
        long deadline = System.nanoTime() + g.plus(Stopper.MARGIN).toNanos();
        List<Map.Entry<SupervisedService, Thread>> stopping = new ArrayList<>();
        for (SupervisedService s : services.values()) {
            boolean wasRunning = s.state() == ServiceState.RUNNING;
            s.markStopping();
            if (wasRunning && s.runningInstance() != null) {
                stopping.add(Map.entry(s, Stopper.begin(s.id(), s.runningInstance(), g)));
            } else {
                s.markStopped();
            }
        }
        for (Map.Entry<SupervisedService, Thread> e : stopping) {
            SupervisedService s = e.getKey();
            if (Stopper.await(s.id(), e.getValue(), deadline, g)) {
                log.info("{} stopped{}", s.id(), Stopper.summary(s.counters().snapshot()));
            }
            s.markStopped();
        }
    }
}
