package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigKey;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The keys every service has, handled by the host; the port's default is the service's own. */
public record CommonKeys(ConfigKey<Boolean> enabled, ConfigKey<Integer> port, ConfigKey<InetAddress> bind,
                         ConfigKey<String> restart, ConfigKey<Integer> restartLimit, ConfigKey<Duration> restartWindow) {

    /** Their names: a service may not declare one of them itself. */
    public static final Set<String> NAMES = Set.of("enabled", "port", "bind", "restart", "restart-limit", "restart-window");

    public static CommonKeys of(ServiceInfo service) {
        return new CommonKeys(
                ConfigKey.bool("enabled", true, "whether 'netsvc run' starts " + service.id()),
                ConfigKey.integer("port", service.defaultPort(), 0, 65535, "port to listen on (0: any free port)"),
                ConfigKey.address("bind", "127.0.0.1", "address to listen on (default: netsvc.bind)"),
                ConfigKey.choice("restart", "on-failure", List.of("on-failure", "always", "never"),
                        "restart after a failure: on-failure (up to restart-limit), always (no limit), never"),
                ConfigKey.integer("restart-limit", 5, 0, 1000, "restarts within restart-window before giving up (failed)"),
                ConfigKey.duration("restart-window", "60s", Duration.ofSeconds(1), Duration.ofDays(1),
                        "the period restart-limit counts restarts in"));
    }

    public List<ConfigKey<?>> all() {
        return List.of(enabled, port, bind, restart, restartLimit, restartWindow);
    }
}
