package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.launcher.config.ConfigErrors;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.config.RestartPolicy;
import dev.netsvc.launcher.text.PlainCause;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One supervised service and its lifecycle. Only the {@link Supervisor} changes it, under its lock; the
 * status fields are volatile so status and metrics read them from any thread.
 *
 * <pre>
 *               start()              started
 *   STOPPED ────────────► STARTING ────────────► RUNNING
 *     ▲  ▲                  │   ▲                  │  │
 *     │  │       threw      │   │ backoff over     │  │ failed(cause)
 *     │  │                  ▼   │ (tick)           │  │
 *     │  │               BACKOFF ◄─────────────────┼──┘ policy allows a restart
 *     │  │                  │                      │
 *     │  │  policy gives up │ (never, or limit     │
 *     │  │                  ▼  within window)      │ stop()
 *     │  └─── stop() ─── FAILED                    ▼
 *     └────────────────────────────────────── STOPPING
 * </pre>
 *
 * A restart from BACKOFF counts towards the policy's limit; {@code start}, {@code restart} and a
 * reload from the operator forget the count, as {@code systemctl reset-failed} does.
 */
final class SupervisedService {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    /** A death reported through {@link ServiceContext#failed}, for the run {@code generation}. */
    record Death(SupervisedService service, long generation, Throwable cause) {
    }

    private final ServiceCounters counters;
    private final dev.netsvc.core.internal.Listeners listeners;
    private final Clock clock;
    private final Path home;
    private final Consumer<Death> deaths;
    private final Supplier<Set<Integer>> udpPorts;
    private final Deque<Instant> recentRestarts = new ArrayDeque<>();

    private volatile ServicePlan plan; // replaced under the supervisor's lock, read by status
    private RunningService running;
    private long generation; // the run a death report must name to count; never reused (runs counts them)
    private long runs;
    private Instant retryAt;
    private Standby standby; // the previous instance while a renewal is on probation
    private String rolledBack; // why the last renewal gave way to the previous instance, once read

    /** The previous instance of a renewal on probation: it keeps serving until the renewal is finished. */
    private record Standby(RunningService running, ServicePlan plan, long generation, List<Endpoint> endpoints) {
    }

    private volatile ServiceState state = ServiceState.STOPPED;
    private volatile Instant since;
    private volatile String reason = "";
    private volatile List<Endpoint> endpoints = List.of();
    private final java.util.function.Predicate<Endpoint> fromServiceManager;
    private volatile int restarts;

    SupervisedService(ServicePlan plan, Clock clock, Path home, Consumer<Death> deaths) {
        this(plan, clock, home, Set::of, deaths, dev.netsvc.core.internal.Listeners.OWN, e -> false, new ServiceCounters());
    }

    /**
     * @param udpPorts  the UDP ports of the host's enabled services, for the UDP guard's loop defence
     * @param listeners where its engines get listening TCP sockets (the supervisor's shared ones, so a
     *                  replacing plugin version takes them over)
     * @param fromServiceManager whether an endpoint's socket came from the service manager
     * @param counters  its counters; a replacement continues its predecessor's, so they stay totals
     */
    SupervisedService(ServicePlan plan, Clock clock, Path home, Supplier<Set<Integer>> udpPorts,
                      Consumer<Death> deaths, dev.netsvc.core.internal.Listeners listeners,
                      java.util.function.Predicate<Endpoint> fromServiceManager, ServiceCounters counters) {
        this.udpPorts = udpPorts;
        this.listeners = listeners;
        this.fromServiceManager = fromServiceManager;
        this.counters = counters;
        this.plan = plan;
        this.clock = clock;
        this.home = home;
        this.deaths = deaths;
        this.since = clock.instant();
    }

    String id() {
        return plan.service().id();
    }

    ServicePlan plan() {
        return plan;
    }

    ServiceState state() {
        return state;
    }

    String reason() {
        return reason;
    }

    ServiceCounters counters() {
        return counters;
    }

    /** A new plan (after a reload) that takes effect at the next start. */
    void plan(ServicePlan newPlan) {
        this.plan = newPlan;
    }

    /**
     * Starts the service now (from STOPPED, BACKOFF or FAILED). A start that throws goes to BACKOFF (or
     * FAILED, as the policy says); a {@link ConfigException} is rethrown after going to FAILED, because
     * retrying cannot help and at launch it is a configuration error.
     */
    void start() {
        if (state == ServiceState.RUNNING || state == ServiceState.STARTING) {
            return;
        }
        enter(ServiceState.STARTING, "");
        try {
            generation = ++runs;
            running = startInstance(plan, generation);
            endpoints = List.copyOf(running.endpoints());
            enter(ServiceState.RUNNING, "");
            logEndpoints();
        } catch (ConfigException e) {
            running = null;
            enter(ServiceState.FAILED, e.getMessage());
            log.error("{} cannot start: {}", id(), e.getMessage());
            throw e;
        } catch (StartFailure e) {
            running = null;
            log.error("{} failed to start: {}{}", id(), e.cause, e.hint);
            afterFailure(e.cause);
        }
    }

    /** A start that threw: the cause in plain words, and a hint when the socket error has one. */
    private static final class StartFailure extends Exception {
        final String cause;
        final String hint;

        StartFailure(String cause, String hint) {
            super(cause, null, false, false);
            this.cause = cause;
            this.hint = hint;
        }
    }

    // Starts one instance of 'p' for the run 'gen'; a ConfigException propagates as it is
    private RunningService startInstance(ServicePlan p, long gen) throws StartFailure {
        ServiceContext context = HostAccess.wire(ServiceContext.builder(id())
                .bind(p.bind(), p.port())
                .settings(p.settings())
                .log(LoggerFactory.getLogger(id()))
                .counters(counters)
                .clock(clock)
                .home(home)
                .onFailure(cause -> deaths.accept(new Death(this, gen, cause))), listeners, udpPorts.get())
                .build();
        try {
            return p.service().service().start(context);
        } catch (ConfigException e) {
            throw ConfigErrors.namingKey(e);
        } catch (Exception | LinkageError | StackOverflowError e) {
            String target = p.service().transportLabel() + " " + HostPort.format(context.address());
            if (e instanceof IOException) {
                SocketErrors.Explanation explained = SocketErrors.explain(e, target);
                String hint = explained.hint();
                if (explained.kind() == SocketErrors.Kind.ADDRESS_IN_USE) { // which key: this service's port
                    hint += " (" + id() + ".port in the configuration, or --set " + id() + ".port=PORT)";
                }
                throw new StartFailure(explained.message(), hint.isEmpty() ? "" : "; " + hint);
            }
            throw new StartFailure(PlainCause.of(e), "");
        }
    }

    private void logEndpoints() {
        for (Endpoint endpoint : endpoints) {
            log.info("{} listening on {}{}", id(), endpoint,
                    fromServiceManager.test(endpoint) ? " (socket from the service manager)" : "");
        }
    }

    /**
     * Starts an instance of {@code next} beside the running one, which keeps serving: they share the
     * listening sockets of the addresses they have in common, and the new one binds those it moved to. Until
     * {@link #commitRenewal} the old one stands by: if the new one dies meanwhile, the old one simply goes on
     * ({@link #died}). Returns null when the new instance runs, else why not (nothing changed); a
     * {@link ConfigException} of its start propagates (nothing changed either).
     */
    String renew(ServicePlan next) {
        if (state != ServiceState.RUNNING || running == null || standby != null) {
            throw new IllegalStateException(id() + " cannot be renewed in state " + state.label());
        }
        long gen = ++runs;
        RunningService fresh;
        try {
            fresh = startInstance(next, gen);
        } catch (ConfigException e) {
            log.error("{}: its new settings are refused: {}", id(), e.getMessage());
            throw e;
        } catch (StartFailure e) {
            log.error("{}: a new instance failed to start: {}{}; the running one keeps serving", id(), e.cause, e.hint);
            return e.cause;
        }
        standby = new Standby(running, plan, generation, endpoints);
        generation = gen;
        running = fresh;
        plan = next;
        endpoints = List.copyOf(fresh.endpoints());
        rolledBack = null;
        logEndpoints();
        return null;
    }

    /** How a renewal ended: the previous instance to stop (null when none is left), or why it was rolled back. */
    record Commit(RunningService previous, String rolledBack) {
    }

    /**
     * Ends a renewal's probation: the new instance is the service, and the previous one is handed back
     * to be stopped (it drains meanwhile); or the renewal was rolled back (the new instance died on
     * probation and the previous one serves on), and why.
     */
    Commit commitRenewal() {
        String why = rolledBack;
        rolledBack = null;
        Standby previous = standby;
        standby = null;
        return new Commit(previous == null ? null : previous.running(), why);
    }

    /** Ends a renewal at once, the new instance stopped and the previous one the service again (a refused transaction). */
    void abandonRenewal(Duration grace) {
        Standby previous = standby;
        if (previous == null) {
            return;
        }
        standby = null;
        Stopper.stop(id(), running, grace);
        restore(previous);
    }

    /** Whether a renewal is on probation: its previous instance still stands by. */
    boolean renewing() {
        return standby != null;
    }

    private void restore(Standby previous) {
        running = previous.running();
        plan = previous.plan();
        generation = previous.generation();
        endpoints = previous.endpoints();
    }

    /**
     * A death reported by the running service: stop what is left of it, then follow the policy; returns
     * whether it was a death the policy handles. On probation, the previous instance simply serves on.
     */
    boolean died(long gen, Throwable cause, Duration grace) {
        Standby previous = standby;
        if (previous != null && gen == previous.generation()) { // the instance standing by died: let it go
            standby = null;
            Stopper.stop(id(), previous.running(), grace);
            return false;
        }
        if (gen != generation || state != ServiceState.RUNNING) {
            return false; // a late report from an earlier run, or the service is already being stopped
        }
        String plain = PlainCause.of(cause);
        if (previous != null) {
            log.error("{}: the new instance died on probation ({}); the previous one serves on", id(), plain);
            standby = null;
            Stopper.stop(id(), running, grace);
            restore(previous);
            rolledBack = "the new instance died on probation: " + plain;
            return false;
        }
        log.error("{} died: {}", id(), plain);
        enter(ServiceState.STOPPING, plain);
        Stopper.stop(id(), running, grace);
        running = null;
        endpoints = List.of();
        afterFailure("died: " + plain);
        return true;
    }

    /** Restarts a service in BACKOFF whose wait is over. */
    void tick() {
        if (state == ServiceState.BACKOFF && !clock.instant().isBefore(retryAt)) {
            recentRestarts.addLast(clock.instant());
            restarts++;
            log.info("{} restarting (restart {} in {}s)", id(), recentRestarts.size(), plan.restart().window().toSeconds());
            start();
        }
    }

    /** When a service in BACKOFF will be retried; null in any other state. */
    Instant retryAt() {
        return state == ServiceState.BACKOFF ? retryAt : null;
    }

    /** Stops the service (from any state) and leaves it STOPPED; bounded by {@code grace} plus a margin. */
    void stop(Duration grace) {
        generation = ++runs; // a death reported from now on is part of stopping
        Standby previous = standby;
        standby = null;
        if (previous != null) {
            Stopper.stop(id(), previous.running(), grace);
        }
        if (state == ServiceState.RUNNING) {
            enter(ServiceState.STOPPING, "");
            boolean stopped = Stopper.stop(id(), running, grace);
            log.info("{} stopped{}", id(), stopped ? Stopper.summary(counters.snapshot()) : " (abandoned: stop did not return in time)");
        }
        running = null;
        endpoints = List.of();
        enter(ServiceState.STOPPED, "");
    }

    /** The host drains before its stop: the running instance lets its long-lived clients go ({@link RunningService#drain}). */
    void drain() {
        RunningService r = running;
        if (r == null) {
            return;
        }
        try {
            r.drain();
        } catch (RuntimeException | LinkageError e) { // plugin code: the stop follows all the same
            log.warn("{}: drain failed: {}", id(), PlainCause.of(e));
        }
    }

    /** The operator's start or restart: the restart count starts over. */
    void forgetRestarts() {
        recentRestarts.clear();
    }

    /** This service as status and metrics report it. */
    ServiceStatus status() {
        ServiceInfo info = plan.service();
        List<Endpoint> now = endpoints;
        return new ServiceStatus(id(), info.pluginId(), info.pluginVersion(), plan.enabled(), state, since, reason,
                info.transports(), now, restarts, counters.snapshot(), counters.histograms(),
                now.stream().filter(fromServiceManager).collect(java.util.stream.Collectors.toSet()));
    }

    private void afterFailure(String cause) {
        Instant now = clock.instant();
        Instant windowStart = now.minus(plan.restart().window());
        while (!recentRestarts.isEmpty() && recentRestarts.peekFirst().isBefore(windowStart)) {
            recentRestarts.removeFirst();
        }
        RestartPolicy policy = plan.restart();
        if (!policy.allowsRestart(recentRestarts.size())) {
            String why = policy.mode() == RestartPolicy.Mode.NEVER ? "restart=never"
                    : recentRestarts.size() + " restarts within " + policy.window().toSeconds() + "s";
            enter(ServiceState.FAILED, cause);
            log.error("{} failed: {} ({}); 'netsvc start {}' tries again", id(), cause, why, id());
            return;
        }
        Duration wait = RestartPolicy.backoff(recentRestarts.size());
        retryAt = now.plus(wait);
        enter(ServiceState.BACKOFF, cause);
        log.warn("{} in backoff: restarting in {} ms", id(), wait.toMillis());
    }

    private void enter(ServiceState next, String why) {
        state = next;
        reason = why;
        since = clock.instant();
    }
}
