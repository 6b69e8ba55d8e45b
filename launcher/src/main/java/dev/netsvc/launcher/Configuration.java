package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Settings;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The layered configuration of a run: service defaults &lt; conf/netsvc.properties &lt; --config FILE
 * &lt; --set KEY=VALUE, with --bind, --enable and --disable on top. Every key is checked against what
 * the loaded services declare, so a typo is an error that names the key, never silently ignored.
 */
final class Configuration {

    static final String LAUNCHER_PREFIX = "netsvc";
    static final Set<String> COMMON_KEYS = Set.of("enabled", "port", "bind");

    static final ConfigKey<InetAddress> BIND = ConfigKey.address("bind", "127.0.0.1",
            "default bind address of every service (0.0.0.0 or :: exposes them)");
    static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("shutdown-grace", "5s",
            Duration.ZERO, Duration.ofMinutes(10), "how long services may finish their work on shutdown");
    static final List<ConfigKey<?>> LAUNCHER_KEYS = List.of(BIND, SHUTDOWN_GRACE);

    /** The admin endpoint's keys: {@code admin.enabled}, {@code admin.bind} (never --bind), {@code admin.port}. */
    static final String ADMIN_PREFIX = "admin";
    static final ConfigKey<Boolean> ADMIN_ENABLED = ConfigKey.bool("enabled", true,
            "whether 'netsvc run' serves the admin endpoint (/status, /metrics, /healthz, /)");
    static final ConfigKey<InetAddress> ADMIN_BIND = ConfigKey.address("bind", "127.0.0.1",
            "address of the admin endpoint; --bind does not change it");
    static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("port", 9111, 0, 65535,
            "port of the admin endpoint (0: any free port)");
    static final List<ConfigKey<?>> ADMIN_KEYS = List.of(ADMIN_ENABLED, ADMIN_BIND, ADMIN_PORT);

    /** The host's own key groups by prefix; no service may take one of these ids. */
    static final Map<String, List<ConfigKey<?>>> HOST_KEYS = Map.of(LAUNCHER_PREFIX, LAUNCHER_KEYS, ADMIN_PREFIX, ADMIN_KEYS);

    /** The keys every service has; the port's default is the service's own. */
    record CommonKeys(ConfigKey<Boolean> enabled, ConfigKey<Integer> port, ConfigKey<InetAddress> bind) {
        static CommonKeys of(ServiceInfo service) {
            return new CommonKeys(
                    ConfigKey.bool("enabled", true, "whether 'netsvc run' starts " + service.id()),
                    ConfigKey.integer("port", service.defaultPort(), 0, 65535, "port to listen on (0: any free port)"),
                    ConfigKey.address("bind", "127.0.0.1", "address to listen on (default: netsvc.bind)"));
        }

        List<ConfigKey<?>> all() {
            return List.of(enabled, port, bind);
        }
    }

    /** One service as it will run. */
    record ServicePlan(ServiceInfo service, boolean enabled, InetAddress bind, int port, Settings settings) {
    }

    /** Where the admin endpoint listens, if it is enabled. */
    record AdminPlan(boolean enabled, InetAddress bind, int port) {
    }

    /** The whole run: every service with its settings, and the launcher's own settings. */
    record Plan(List<ServicePlan> services, Duration shutdownGrace, AdminPlan admin) {
        List<ServicePlan> enabled() {
            return services.stream().filter(ServicePlan::enabled).toList();
        }
    }

    /** A value and where it came from, for error messages. */
    private record Value(String text, String source) {
    }

    private final Map<String, ServiceInfo> services;
    private final Map<String, Value> values = new LinkedHashMap<>();
    private List<String> enableOnly;
    private final List<String> disable = new ArrayList<>();

    Configuration(Map<String, ServiceInfo> services) {
        this.services = services;
    }

    /** Adds the properties of {@code file}, over what is there; {@code source} names it in errors. */
    Configuration addFile(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read configuration file " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.toString(), "configuration file " + file + " is malformed: " + e.getMessage());
        }
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            values.put(key.strip(), new Value(p.getProperty(key), "in " + file));
        }
        return this;
    }

    /** Adds one {@code KEY=VALUE} from the command line. */
    Configuration addSetting(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException(assignment, "--set expects KEY=VALUE, got '" + assignment + "'");
        }
        values.put(assignment.substring(0, eq).strip(), new Value(assignment.substring(eq + 1), "in --set"));
        return this;
    }

    /** --bind: the default bind address, below any {@code <id>.bind}. */
    Configuration defaultBind(String address) {
        values.put(LAUNCHER_PREFIX + "." + BIND.name(), new Value(address, "in --bind"));
        return this;
    }

    /** --enable: run only these services. */
    Configuration enableOnly(List<String> ids) {
        this.enableOnly = List.copyOf(ids);
        return this;
    }

    /** --disable: run all but these. */
    Configuration disable(List<String> ids) {
        this.disable.addAll(ids);
        return this;
    }

    /** Validates everything and returns the plan; the first problem found is a {@link ConfigException}. */
    Plan plan() {
        Map<String, Map<String, String>> perService = new LinkedHashMap<>();
        services.keySet().forEach(id -> perService.put(id, new LinkedHashMap<>()));
        Map<String, Map<String, String>> host = new LinkedHashMap<>();
        HOST_KEYS.keySet().forEach(prefix -> host.put(prefix, new LinkedHashMap<>()));

        for (Map.Entry<String, Value> entry : values.entrySet()) {
            String key = entry.getKey();
            Value value = entry.getValue();
            int dot = key.indexOf('.');
            String prefix = dot < 0 ? key : key.substring(0, dot);
            String name = dot < 0 ? "" : key.substring(dot + 1);
            if (HOST_KEYS.containsKey(prefix)) {
                checkName(key, name, names(HOST_KEYS.get(prefix)), value, prefix);
                host.get(prefix).put(name, value.text());
            } else if (services.containsKey(prefix)) {
                Set<String> known = new LinkedHashSet<>(COMMON_KEYS);
                known.addAll(names(services.get(prefix).keys()));
                checkName(key, name, known, value, prefix);
                perService.get(prefix).put(name, value.text());
            } else {
                throw new ConfigException(key, "unknown key '" + key + "' " + value.source() + ": no loaded service is called '"
                        + prefix + "'" + Suggest.hint(prefix, allPrefixes()) + " Services: " + String.join(", ", services.keySet()));
            }
        }

        Settings launcherSettings = parse(LAUNCHER_PREFIX, LAUNCHER_KEYS, host.get(LAUNCHER_PREFIX));
        Settings adminSettings = parse(ADMIN_PREFIX, ADMIN_KEYS, host.get(ADMIN_PREFIX));
        AdminPlan admin = new AdminPlan(adminSettings.get(ADMIN_ENABLED), adminSettings.get(ADMIN_BIND),
                adminSettings.get(ADMIN_PORT));
        InetAddress defaultBind = launcherSettings.get(BIND);
        checkIds("--enable", enableOnly == null ? List.of() : enableOnly);
        checkIds("--disable", disable);

        List<ServicePlan> plans = new ArrayList<>();
        for (ServiceInfo service : services.values()) {
            Map<String, String> raw = perService.get(service.id());
            Map<String, String> common = new LinkedHashMap<>();
            Map<String, String> own = new LinkedHashMap<>();
            raw.forEach((k, v) -> (COMMON_KEYS.contains(k) ? common : own).put(k, v));
            CommonKeys keys = CommonKeys.of(service);
            Settings commonSettings = parse(service.id(), keys.all(), common);
            Settings settings = parse(service.id(), service.keys(), own);
            boolean enabled = enableOnly != null ? enableOnly.contains(service.id()) : commonSettings.get(keys.enabled());
            if (disable.contains(service.id())) {
                enabled = false;
            }
            int port = commonSettings.get(keys.port());
            InetAddress bind = common.containsKey("bind") ? commonSettings.get(keys.bind()) : defaultBind;
            plans.add(new ServicePlan(service, enabled, bind, port, settings));
        }
        return new Plan(plans, launcherSettings.get(SHUTDOWN_GRACE), admin);
    }

    private Settings parse(String id, List<ConfigKey<?>> keys, Map<String, String> raw) {
        try {
            return Settings.parse(id, keys, raw);
        } catch (ConfigException e) {
            Value v = values.get(e.key());
            throw new ConfigException(e.key(), e.getMessage() + (v == null ? "" : " (" + v.source() + ")"));
        }
    }

    private static void checkName(String key, String name, Set<String> known, Value value, String prefix) {
        if (!known.contains(name)) {
            Set<String> full = new TreeSet<>();
            known.forEach(n -> full.add(prefix + "." + n));
            throw new ConfigException(key, "unknown key '" + key + "' (" + value.source() + ")" + Suggest.hint(key, full)
                    + " Valid keys: " + String.join(", ", full));
        }
    }

    private void checkIds(String option, List<String> ids) {
        for (String id : ids) {
            if (!services.containsKey(id)) {
                throw new ConfigException(option, option + ": no loaded service is called '" + id + "'"
                        + Suggest.hint(id, services.keySet()) + " Services: " + String.join(", ", services.keySet()));
            }
        }
    }

    private Set<String> allPrefixes() {
        Set<String> all = new TreeSet<>(services.keySet());
        all.addAll(HOST_KEYS.keySet());
        return all;
    }

    private static Set<String> names(List<ConfigKey<?>> keys) {
        Set<String> names = new LinkedHashSet<>();
        keys.forEach(k -> names.add(k.name()));
        return names;
    }
}
