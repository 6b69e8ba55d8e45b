package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigKey;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The host's own keys: {@code netsvc.*} (every service's defaults, the shutdown), {@code admin.*} (the
 * admin endpoint and the control socket) and {@code plugins.*} (the live plugins folder). No service may
 * take one of these prefixes as its id.
 */
public final class HostKeys {

    public static final String NETSVC = "netsvc";
    public static final String ADMIN = "admin";
    public static final String PLUGINS = "plugins";
    public static final Set<String> PREFIXES = Set.of(NETSVC, ADMIN, PLUGINS);

    static final ConfigKey<InetAddress> BIND = ConfigKey.address("bind", "127.0.0.1",
            "default bind address of every service (0.0.0.0 or :: exposes them)");
    static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("shutdown-grace", "5s",
            Duration.ZERO, Duration.ofMinutes(10), "how long services may finish their work on shutdown");
    static final ConfigKey<Duration> PROBATION = ConfigKey.duration("probation", "2s", Duration.ZERO, Duration.ofMinutes(5),
            "how long a new instance (a reload, a restart, a plugin replaced) must run before the old one is let go;"
                    + " if it dies sooner the old one keeps serving");
    static final ConfigKey<Duration> SHUTDOWN_DRAIN_DELAY = ConfigKey.duration("shutdown-drain-delay", "0s", Duration.ZERO,
            Duration.ofMinutes(10), "on SIGTERM, how long the host answers 503 on /readyz and serves on before it"
                    + " stops (a load balancer's health checks or Kubernetes take it out of rotation meanwhile)");
    static final List<ConfigKey<?>> NETSVC_KEYS = List.of(BIND, SHUTDOWN_GRACE, SHUTDOWN_DRAIN_DELAY, PROBATION);

    static final ConfigKey<Boolean> ADMIN_ENABLED = ConfigKey.bool("enabled", true,
            "serve the read-only admin endpoint (status, metrics, health)");
    static final ConfigKey<InetAddress> ADMIN_BIND = ConfigKey.address("bind", "127.0.0.1",
            "address of the admin endpoint (never changed by --bind)");
    static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("port", 9111, 0, 65535, "port of the admin endpoint");
    public static final ConfigKey<Path> ADMIN_SOCKET = ConfigKey.path("socket", "run/netsvc.sock",
            "control socket of 'netsvc status/start/stop/restart/reload'; relative to the installation");
    static final List<ConfigKey<?>> ADMIN_KEYS = List.of(ADMIN_ENABLED, ADMIN_BIND, ADMIN_PORT, ADMIN_SOCKET);

    static final ConfigKey<Boolean> PLUGINS_WATCH = ConfigKey.bool("watch", true,
            "load, replace and unload plugins as jars are added to, replaced in or removed from the plugins folder");
    static final ConfigKey<Duration> PLUGINS_SCAN_INTERVAL = ConfigKey.duration("scan-interval", "1s",
            Duration.ofMillis(100), Duration.ofHours(1),
            "rescan of the plugins folder; a jar counts once unchanged for this long");
    static final List<ConfigKey<?>> PLUGINS_KEYS = List.of(PLUGINS_WATCH, PLUGINS_SCAN_INTERVAL);

    private HostKeys() {
    }

    /** The keys under {@code prefix} (one of {@link #PREFIXES}). */
    static List<ConfigKey<?>> under(String prefix) {
        return switch (prefix) {
            case NETSVC -> NETSVC_KEYS;
            case ADMIN -> ADMIN_KEYS;
            case PLUGINS -> PLUGINS_KEYS;
            default -> throw new IllegalArgumentException("not a host prefix: " + prefix);
        };
    }
}
