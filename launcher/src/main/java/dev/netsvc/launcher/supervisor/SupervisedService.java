package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;
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
    private final dev.netsvc.core.net.Listeners listeners;
    private final Clock clock;
    private final Path home;
    private final Consumer<Death> deaths;
    private final Supplier<Set<Integer>> udpPorts;
    private final Deque<Instant> recentRestarts = new ArrayDeque<>();

    private volatile ServicePlan plan; // replaced under the supervisor's lock, read by status
    private RunningService running;
    private long generation;
    private Instant retryAt;

    private volatile ServiceState state = ServiceState.STOPPED;
    private volatile Instant since;
    private volatile String reason = "";
    private volatile List<Endpoint> endpoints = List.of();
    private volatile int restarts;

    SupervisedService(ServicePlan plan, Clock clock, Path home, Consumer<Death> deaths) {
        this(plan, clock, home, Set::of, deaths, dev.netsvc.core.net.Listeners.OWN, new ServiceCounters());
    }

    /**
     * @param udpPorts  the UDP ports of the host's enabled services, for the UDP guard's loop defence
     * @param listeners where its engines get listening TCP sockets (the supervisor's shared ones, so a
     *                  replacing plugin version takes them over)
     * @param counters  its counters; a replacement continues its predecessor's, so they stay totals
     */
    SupervisedService(ServicePlan plan, Clock clock, Path home, Supplier<Set<Integer>> udpPorts,
                      Consumer<Death> deaths, dev.netsvc.core.net.Listeners listeners, ServiceCounters counters) {
        this.udpPorts = udpPorts;
        this.listeners = listeners;
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
        long gen = ++generation;
        ServiceContext context = ServiceContext.builder(id())
                .bind(plan.bind(), plan.port())
                .settings(plan.settings())
                .log(LoggerFactory.getLogger(id()))
                .counters(counters)
                .clock(clock)
                .home(home)
                .udpServicePorts(udpPorts.get())
                .onFailure(cause -> deaths.accept(new Death(this, gen, cause)))
                .listeners(listeners)
                .build();
        try {
            running = plan.service().service().start(context);
            endpoints = List.copyOf(running.endpoints());
            enter(ServiceState.RUNNING, "");
            for (Endpoint endpoint : endpoints) {
                log.info("{} listening on {}", id(), endpoint);
            }
        } catch (ConfigException e) {
            running = null;
            enter(ServiceState.FAILED, e.getMessage());
            log.error("{} cannot start: {}", id(), e.getMessage());
            throw e;
        } catch (Exception | LinkageError | StackOverflowError e) {
            running = null;
            String target = plan.service().transportLabel() + " " + HostPort.format(context.address());
            String cause = PlainCause.of(e);
            String hint = "";
            if (e instanceof IOException) {
                SocketErrors.Explanation explained = SocketErrors.explain(e, target);
                cause = explained.message();
                hint = explained.hint().isEmpty() ? "" : "; " + explained.hint();
            }
            log.error("{} failed to start: {}{}", id(), cause, hint);
            afterFailure(cause);
        }
    }

    /** A death reported by the running service: stop what is left of it, then follow the policy. */
    boolean died(long gen, Throwable cause, Duration grace) {
        if (gen != generation || state != ServiceState.RUNNING) {
            return false; // a late report from an earlier run, or the service is already being stopped
        }
        String plain = PlainCause.of(cause);
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
        generation++; // a death reported from now on is part of stopping
        if (state == ServiceState.RUNNING) {
            enter(ServiceState.STOPPING, "");
            boolean stopped = Stopper.stop(id(), running, grace);
            log.info("{} stopped{}", id(), stopped ? Stopper.summary(counters.snapshot()) : " (abandoned: stop did not return in time)");
        }
        running = null;
        endpoints = List.of();
        enter(ServiceState.STOPPED, "");
    }

    /** The operator's start or restart: the restart count starts over. */
    void forgetRestarts() {
        recentRestarts.clear();
    }

    /** This service as status and metrics report it. */
    ServiceStatus status() {
        ServiceInfo info = plan.service();
        return new ServiceStatus(id(), info.pluginId(), info.pluginVersion(), plan.enabled(), state, since, reason,
                info.transports(), endpoints, restarts, counters.snapshot());
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
