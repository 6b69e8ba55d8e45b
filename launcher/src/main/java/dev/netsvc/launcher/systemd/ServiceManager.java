package dev.netsvc.launcher.systemd;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What netsvc tells the service manager it runs under through systemd's notify protocol
 * ({@code sd_notify}): {@code READY=1} once the host is up (a {@code Type=notify} unit counts as started
 * only then), {@code RELOADING=1} ... {@code READY=1} around a reload, {@code STOPPING=1} when the stop
 * begins, {@code STATUS=} with each (what {@code systemctl status} shows), and {@code WATCHDOG=1} at
 * half of {@code WatchdogSec=} from the supervisor's loop, so that a supervisor that wedges is killed and
 * restarted. Without {@code NOTIFY_SOCKET} every call does nothing. Thread-safe.
 */
public final class ServiceManager {

    /** No service manager listens. */
    public static final ServiceManager NONE = new ServiceManager(null, null, Clock.systemUTC());

    private final Notifier notifier;
    private final Duration watchdog;
    private final Clock clock;
    private Instant nextPing; // guarded by this
    private boolean failed; // guarded by this: a send failed and was said once

    private ServiceManager(Notifier notifier, Duration watchdog, Clock clock) {
        this.notifier = notifier;
        this.watchdog = watchdog;
        this.clock = clock;
    }

    /**
     * The service manager of this process's environment ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and
     * {@code WATCHDOG_PID} when it names {@code pid}), or {@link #NONE}. A notify socket that cannot be used
     * is said once through {@code problem}, and the host runs on without it.
     */
    public static ServiceManager fromEnvironment(Map<String, String> env, long pid, Clock clock, Consumer<String> problem) {
        Optional<String> where = NotifySocket.of(env);
        if (where.isEmpty()) {
            return NONE;
        }
        try {
            return new ServiceManager(NotifySocket.open(where.get()), watchdogInterval(env, pid).orElse(null), clock);
        } catch (IllegalStateException e) {
            problem.accept("the service manager's notify socket " + where.get() + " (NOTIFY_SOCKET) cannot be used: "
                    + e.getMessage() + "; it will not hear when netsvc is ready (a Type=notify unit times out)");
            return NONE;
        }
    }

    /** A service manager that hears through {@code notifier}, pinged every {@code watchdog} (null: never). */
    static ServiceManager over(Notifier notifier, Duration watchdog, Clock clock) {
        return new ServiceManager(notifier, watchdog, clock);
    }

    /** Half of {@code WATCHDOG_USEC}, as {@code sd_watchdog_enabled} advises, when the watchdog is for this process. */
    static Optional<Duration> watchdogInterval(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        if (usec == null || (forPid != null && !forPid.equals(Long.toString(pid)))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec.trim());
            return micros <= 0 ? Optional.empty() : Optional.of(Duration.ofNanos(micros * 1000 / 2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether a service manager listens. */
    public boolean present() {
        return notifier != null;
    }

    /** The interval of the watchdog's pings, when the service manager watches. */
    public Optional<Duration> watchdogInterval() {
        return Optional.ofNullable(watchdog);
    }

    /** The host is up: {@code status} is its ready line. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    /**
     * A reload begins. {@code MONOTONIC_USEC} is when, on the clock {@code CLOCK_MONOTONIC} that
     * {@link System#nanoTime()} reads on Linux: systemd 253 and later want it with {@code RELOADING=1}.
     */
    public void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading the configuration");
    }

    /** The reload is over (applied or not): {@code status} says how. */
    public void reloaded(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    /** The stop begins. */
    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    /**
     * Pings the watchdog when its interval has passed since the last ping (the first call pings at once).
     * Called from the supervisor's loop, on the supervisor's clock.
     */
    public void watchdogTick() {
        if (notifier == null || watchdog == null) {
            return;
        }
        Instant now = clock.instant();
        synchronized (this) {
            if (nextPing != null && now.isBefore(nextPing)) {
                return;
            }
            nextPing = now.plus(watchdog);
        }
        send("WATCHDOG=1");
    }

    private void send(String message) {
        if (notifier == null) {
            return;
        }
        boolean sent = notifier.send(message);
        synchronized (this) {
            if (!sent && !failed) {
                failed = true;
                org.slf4j.LoggerFactory.getLogger("netsvc").warn("the service manager's notify socket did not take '{}'"
                        + " (the manager gone?); netsvc runs on", message.lines().findFirst().orElse(message));
            }
        }
    }
}
