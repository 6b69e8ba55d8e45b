package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.systemd.InheritedSockets;
import dev.netsvc.launcher.text.PlainCause;
import dev.netsvc.launcher.text.Problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the supervised services running: starts them, hears their deaths, restarts them after their
 * backoff, stops them, and swaps in new instances ({@link #swap}). Every change happens under this
 * object's lock (plugin code is not thread-safe), on the caller's thread (orders, reloads, deploys) or on
 * the supervisor thread (deaths and restarts). Reading status takes no lock. It calls nobody back but its
 * {@link DeathListener}s, which must not block.
 *
 * <p>Tests drive it without the thread: {@link #tick()} after advancing a manual clock.
 */
public final class Supervisor {

    private static final Logger log = LoggerFactory.getLogger("netsvc");
    /** How often the supervisor thread looks at backoff deadlines when nothing wakes it. */
    private static final Duration POLL = Duration.ofMillis(50);

    private final Clock clock;
    private final Path home;
    private final Map<String, SupervisedService> services = new TreeMap<>();
    private final SharedListeners listeners;
    private final Queue<SupervisedService.Death> deaths = new ConcurrentLinkedQueue<>();
    private final List<DeathListener> deathListeners = new CopyOnWriteArrayList<>();
    private volatile List<SupervisedService> view = List.of();
    private volatile Duration grace;
    private volatile Set<Integer> udpPorts = Set.of();
    private volatile Thread thread;
    private final List<Thread> retiring = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private final List<Runnable> heartbeats = new CopyOnWriteArrayList<>();
    private volatile java.time.Instant lastRound;

    public Supervisor(Clock clock, Path home, Duration grace) {
        this(clock, home, grace, InheritedSockets.NONE);
    }

    /** A supervisor whose services take the sockets {@code inherited} holds before they bind their own. */
    public Supervisor(Clock clock, Path home, Duration grace, InheritedSockets inherited) {
        this.clock = clock;
        this.home = home;
        this.grace = grace;
        this.listeners = new SharedListeners(inherited);
        this.lastRound = clock.instant();
    }

    /**
     * {@code heartbeat} runs at the end of every {@link #tick}, on the supervisor's thread and under its lock:
     * it runs only while the supervisor's loop goes round (the service manager's watchdog pings from it).
     */
    public void addHeartbeat(Runnable heartbeat) {
        heartbeats.add(heartbeat);
    }

    /** Starts the supervisor thread, which handles deaths and backoff on the real clock. */
    public void startThread() {
        thread = Thread.ofPlatform().name("supervisor").daemon(true).start(() -> {
            while (!closed) {
                try {
                    tick();
                } catch (RuntimeException | LinkageError e) { // plugin code misbehaving: the supervisor goes on
                    log.error("supervisor: {}", PlainCause.of(e));
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        });
    }

    /** From now on {@code listener} hears of every death of a running service. */
    public void addDeathListener(DeathListener listener) {
        deathListeners.add(listener);
    }

    /**
     * Keeps the listening sockets of {@code serviceIds} open, whoever releases them, until the returned
     * action runs: a replacement on probation that dies leaves its port open for the version coming back.
     */
    public Runnable holdListeners(Collection<String> serviceIds) {
        return listeners.hold(serviceIds);
    }

    /** The UDP ports of the enabled services, which each UDP guard treats as loop ports. */
    public void udpPorts(Set<Integer> ports) {
        this.udpPorts = Set.copyOf(ports);
    }

    /** The grace a service has to stop, in restarts and at shutdown. */
    public void grace(Duration newGrace) {
        this.grace = newGrace;
    }

    /**
     * Supervises the services of a launch and starts the enabled ones at the same time, each on a thread
     * of its own, under this object's lock. Returns how long each start took in nanoseconds (for the
     * start trace). A {@link ConfigException} of one start is thrown once all have ended.
     */
    public synchronized Map<String, Long> launch(List<ServicePlan> plans) {
        List<SupervisedService> enabled = new ArrayList<>();
        for (ServicePlan plan : plans) {
            SupervisedService service = register(fresh(plan, new ServiceCounters()));
            if (plan.enabled()) {
                enabled.add(service);
            }
        }
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        // a start is bounded by the service's own code; the host is not up without it
        Map<String, Long> took = Parallel.run("start", enabled, s -> {
            try {
                s.start();
            } catch (ConfigException e) { // anything else is the service's BACKOFF or FAILED state
                failure.compareAndSet(null, e);
            }
        }, Duration.ofDays(1));
        if (failure.get() != null) {
            throw failure.get();
        }
        return took;
    }

    /** A service for {@code plan}, not started, not yet supervised; it continues {@code counters}. */
    SupervisedService fresh(ServicePlan plan, ServiceCounters counters) {
        return new SupervisedService(plan, clock, home, () -> udpPorts, this::reportDeath, listeners.forService(plan.id(), plan.reusePort()),
                listeners::fromServiceManager, counters);
    }

    // Supervises a new service; under this object's lock
    private SupervisedService register(SupervisedService service) {
        if (services.containsKey(service.id())) {
            throw new IllegalStateException("service " + service.id() + " is already supervised");
        }
        services.put(service.id(), service);
        view = List.copyOf(services.values());
        return service;
    }

    /**
     * Runs {@code incoming} in place of the services of the same ids, and retires {@code retiring} (ids
     * no longer provided), as one transaction ({@link Swap}): returns the problems that refused it, empty
     * when it happened.
     */
    public synchronized List<Problem> swap(List<ServicePlan> incoming, Collection<String> retiring) {
        return new Swap(this).run(incoming, retiring);
    }

    /** The supervised service of {@code id} becomes {@code next} (a swap's commit); returns the one replaced. */
    SupervisedService replace(SupervisedService next) {
        SupervisedService previous = services.put(next.id(), next);
        view = List.copyOf(services.values());
        return previous;
    }

    /** Forgets {@code id} without stopping it (a swap's commit); returns it. */
    SupervisedService forget(String id) {
        SupervisedService previous = services.remove(id);
        view = List.copyOf(services.values());
        return previous;
    }

    /** Stops services at the same time, each within the grace; returns when all have stopped or been abandoned. */
    void stopAll(List<SupervisedService> stopping) {
        Duration g = grace;
        Parallel.run("stop", stopping, s -> s.stop(g), g.plus(Stopper.MARGIN).plus(Stopper.MARGIN));
    }

    /** The counters of the service {@code id} supervised now, or new ones. */
    ServiceCounters countersOf(String id) {
        SupervisedService s = services.get(id);
        return s != null ? s.counters() : new ServiceCounters();
    }

    /** Stops (within the grace) and forgets these services; those not supervised are ignored. */
    public synchronized void remove(Collection<String> ids) {
        List<SupervisedService> removed = new ArrayList<>();
        for (String id : ids) {
            SupervisedService s = services.remove(id);
            if (s != null) {
                removed.add(s);
            }
        }
        view = List.copyOf(services.values());
        stopAll(removed);
    }

    /** Adds a service and starts it if its plan enables it; a {@link ConfigException} of its start propagates. */
    public synchronized void add(ServicePlan plan) {
        SupervisedService service = register(fresh(plan, new ServiceCounters()));
        if (plan.enabled()) {
            service.start();
        }
    }

    /** The operator's start: from any state but running; the restart count starts over. */
    public synchronized void start(String id) {
        SupervisedService s = require(id);
        s.forgetRestarts();
        s.start();
    }

    public synchronized void stop(String id) {
        require(id).stop(grace);
    }

    public synchronized void restart(String id) {
        SupervisedService s = require(id);
        s.stop(grace);
        s.forgetRestarts();
        s.start();
    }

    /**
     * Applies new settings to running services as one transaction: every service in {@code renew} gets a
     * new instance beside its running one ({@link SupervisedService#renew}), every one in {@code start}
     * starts; {@code replan} only takes new plans (a stopped service, a changed restart policy). When one
     * new instance cannot start, the ones started so far stop again and nothing changed: the returned
     * renewal is {@link Renewal#refused()}. Otherwise the old instances serve on beside the new ones until
     * {@link Renewal#finish()}, after the probation, stops them and the services in {@code stop}.
     */
    public synchronized Renewal reconfigure(List<ServicePlan> renew, List<ServicePlan> start, List<String> stop,
                                            List<ServicePlan> replan) {
        Renewal renewal = new Renewal(stop);
        for (ServicePlan p : start) {
            if (!services.containsKey(p.id())) { // a new service (a new instance): supervised from now on, unless refused
                register(fresh(p, new ServiceCounters()));
                renewal.added.add(p.id());
            }
        }
        for (ServicePlan p : renew) {
            SupervisedService s = require(p.id());
            String failure;
            try {
                failure = s.renew(p);
            } catch (ConfigException e) {
                renewal.configuration = true;
                failure = e.getMessage();
            }
            if (failure != null) {
                renewal.abandon(p.id(), failure);
                return renewal;
            }
            renewal.renewing.add(s);
        }
        for (ServicePlan p : start) {
            SupervisedService s = require(p.id());
            ServicePlan before = s.plan();
            s.plan(p);
            s.forgetRestarts();
            String failure;
            try {
                s.start();
                failure = s.state() == ServiceState.RUNNING ? null : s.reason();
            } catch (ConfigException e) {
                renewal.configuration = true;
                failure = e.getMessage();
            }
            if (failure != null) {
                s.stop(grace);
                s.plan(before);
                renewal.abandon(p.id(), failure);
                return renewal;
            }
            renewal.started.add(s);
        }
        replan.forEach(p -> require(p.id()).plan(p));
        return renewal;
    }

    /** A reconfiguration on probation, or refused. */
    public final class Renewal {
        private final List<String> removing = new ArrayList<>();

        /** Also stops and forgets {@code ids} (no longer configured) when it finishes. */
        public Renewal removing(List<String> ids) {
            removing.addAll(ids);
            return this;
        }

        private final List<SupervisedService> renewing = new ArrayList<>();
        private final List<SupervisedService> started = new ArrayList<>();
        private final List<String> added = new ArrayList<>();
        private final List<String> stopping;
        private String refusedId;
        private String refusedCause;
        private boolean configuration;

        private Renewal(List<String> stopping) {
            this.stopping = List.copyOf(stopping);
        }

        // Under the supervisor's lock: undo what started, the old instances serve on
        private void abandon(String id, String cause) {
            refusedId = id;
            refusedCause = cause;
            renewing.forEach(s -> s.abandonRenewal(grace));
            started.forEach(s -> s.stop(grace));
            added.forEach(Supervisor.this::forget);
            renewing.clear();
            started.clear();
        }

        /** The service whose new instance could not start, and why; empty when the renewal went ahead. */
        public Optional<Problem> refused() {
            return refusedId == null ? Optional.empty() : Optional.of(new Problem(refusedId, refusedCause));
        }

        /** Whether the refusal was the configuration's (a service refused its settings as it started): exit 2. */
        public boolean refusedByConfiguration() {
            return configuration;
        }

        /** Whether a renewed service still has its previous instance standing by (its new one has not died). */
        public boolean onProbation() {
            synchronized (Supervisor.this) {
                return renewing.stream().anyMatch(SupervisedService::renewing);
            }
        }

        /**
         * Ends the probation: each renewed service's previous instance stops taking new connections now and
         * drains within the grace in the background ({@link #retire}); the services to stop stop. Returns the
         * services whose new instance died on probation, and why: their previous instance serves on.
         */
        public List<Problem> finish() {
            synchronized (Supervisor.this) {
                List<Problem> rolledBack = new ArrayList<>();
                for (SupervisedService s : renewing) {
                    SupervisedService.Commit commit = s.commitRenewal();
                    if (commit.rolledBack() != null) {
                        rolledBack.add(new Problem(s.id(), commit.rolledBack()));
                    } else if (commit.previous() != null) {
                        retire(s.id(), commit.previous());
                    }
                }
                List<SupervisedService> stop = new ArrayList<>();
                for (String id : stopping) {
                    SupervisedService s = services.get(id);
                    if (s != null) {
                        stop.add(s);
                    }
                }
                removing.forEach(id -> {
                    SupervisedService s = forget(id);
                    if (s != null) {
                        stop.add(s);
                    }
                });
                stopAll(stop);
                return rolledBack;
            }
        }
    }

    /**
     * Stops an instance that a newer one replaced, on a thread of its own: it stops taking new connections
     * at once, and its open connections get the grace to finish, so whoever waits for the change (a reload)
     * need not wait for them. {@link #stopAll()} waits for every instance still retiring.
     */
    private void retire(String id, RunningService previous) {
        Duration g = grace;
        previous.stopAccepting();
        Thread t = Thread.ofPlatform().name("retire-" + id).daemon(true).start(() -> {
            boolean stopped = Stopper.stop(id, previous, g);
            log.info("{}: previous instance stopped{}", id, stopped ? "" : " (abandoned: stop did not return in time)");
        });
        retiring.add(t);
        retiring.removeIf(r -> !r.isAlive());
    }

    /** Gives a service a new plan (a reload) that takes effect at its next start. */
    public synchronized void replan(ServicePlan plan) {
        require(plan.id()).plan(plan);
    }

    /** The plan of every supervised service, by id; no lock. */
    public List<ServicePlan> plans() {
        return view.stream().map(SupervisedService::plan).toList();
    }

    /** The plan the service {@code id} runs (or will run at its next start), if it is supervised. */
    public Optional<ServicePlan> plan(String id) {
        return view.stream().filter(s -> s.id().equals(id)).findFirst().map(SupervisedService::plan);
    }

    /** The supervised service {@code id}, or null (tests). */
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

    /** The host drains before its stop: every running service lets its long-lived clients go. */
    public synchronized void drain() {
        services.values().forEach(SupervisedService::drain);
    }

    /**
     * Whether the supervisor's loop went round within {@code within} on its clock: it handles deaths and
     * restarts, so a loop that stopped going round is a wedged host ({@code /livez}).
     */
    public boolean loopAlive(Duration within) {
        return !clock.instant().isAfter(lastRound.plus(within));
    }

    /** Handles the deaths reported since the last tick, then restarts the services whose backoff is over. */
    public synchronized void tick() {
        for (SupervisedService.Death d; (d = deaths.poll()) != null; ) {
            if (d.service().died(d.generation(), d.cause(), grace)) {
                String cause = PlainCause.of(d.cause());
                var service = d.service().plan().service();
                deathListeners.forEach(l -> l.died(service, cause));
            }
        }
        for (SupervisedService s : List.copyOf(services.values())) {
            try {
                s.tick();
            } catch (ConfigException e) {
                // logged and FAILED by the service; a restart cannot fix its configuration
            }
        }
        heartbeats.forEach(Runnable::run);
        lastRound = clock.instant();
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
    public List<ServiceStatus> statuses() {
        return view.stream().map(SupervisedService::status).toList();
    }

    /**
     * Stops every service in parallel and returns when all have stopped or the grace plus a margin has
     * passed, whichever is first; the supervisor thread ends.
     */
    public synchronized void stopAll() {
        closed = true;
        stopAll(List.copyOf(services.values()));
        long deadline = System.nanoTime() + grace.plus(Stopper.MARGIN).toNanos();
        for (Thread t : retiring) { // instances replaced a moment ago, still draining
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    t.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        listeners.close();
    }
}
