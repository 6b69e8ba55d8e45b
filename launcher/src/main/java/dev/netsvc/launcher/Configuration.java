package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.FileErrors;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    static final String ADMIN_PREFIX = "admin";
    /** Prefixes of the host's own keys; no service may take one as its id. */
    static final String PLUGINS_PREFIX = "plugins";
    static final Set<String> HOST_PREFIXES = Set.of(LAUNCHER_PREFIX, ADMIN_PREFIX, PLUGINS_PREFIX);
    static final Set<String> COMMON_KEYS = Set.of("enabled", "port", "bind", "restart", "restart-limit", "restart-window");

    static final ConfigKey<InetAddress> BIND = ConfigKey.address("bind", "127.0.0.1",
            "default bind address of every service (0.0.0.0 or :: exposes them)");
    static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("shutdown-grace", "5s",
            Duration.ZERO, Duration.ofMinutes(10), "how long services may finish their work on shutdown");
    static final List<ConfigKey<?>> LAUNCHER_KEYS = List.of(BIND, SHUTDOWN_GRACE);

    static final ConfigKey<Boolean> ADMIN_ENABLED = ConfigKey.bool("enabled", true,
            "serve the read-only admin endpoint (status, metrics, health)");
    static final ConfigKey<InetAddress> ADMIN_BIND = ConfigKey.address("bind", "127.0.0.1",
            "address of the admin endpoint (never changed by --bind)");
    static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("port", 9111, 0, 65535, "port of the admin endpoint");
    static final ConfigKey<java.nio.file.Path> ADMIN_SOCKET = ConfigKey.path("socket", "run/netsvc.sock",
            "control socket of 'netsvc status/start/stop/restart/reload'; relative to the installation");
    static final List<ConfigKey<?>> ADMIN_KEYS = List.of(ADMIN_ENABLED, ADMIN_BIND, ADMIN_PORT, ADMIN_SOCKET);

    static final ConfigKey<Boolean> PLUGINS_WATCH = ConfigKey.bool("watch", true,
            "load, replace and unload plugins as jars are added to, replaced in or removed from the plugins folder");
    static final ConfigKey<Duration> PLUGINS_SCAN_INTERVAL = ConfigKey.duration("scan-interval", "1s",
            Duration.ofMillis(100), Duration.ofHours(1),
            "rescan of the plugins folder; a jar counts once unchanged for this long");
    static final List<ConfigKey<?>> PLUGINS_KEYS = List.of(PLUGINS_WATCH, PLUGINS_SCAN_INTERVAL);

    /** The keys every service has; the port's default is the service's own. */
    record CommonKeys(ConfigKey<Boolean> enabled, ConfigKey<Integer> port, ConfigKey<InetAddress> bind,
                      ConfigKey<String> restart, ConfigKey<Integer> restartLimit, ConfigKey<Duration> restartWindow) {
        static CommonKeys of(ServiceInfo service) {
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

        List<ConfigKey<?>> all() {
            return List.of(enabled, port, bind, restart, restartLimit, restartWindow);
        }
    }

    /**
     * One service as it will run.
     *
     * @param ownText the service's own keys as configured (text), to tell whether a reload changed them
     */
    record ServicePlan(ServiceInfo service, boolean enabled, InetAddress bind, int port, Settings settings,
                       Map<String, String> ownText, RestartPolicy restart) {

        /** Whether running this plan instead of {@code other} needs a restart (the restart policy does not). */
        boolean sameRuntime(ServicePlan other) {
            return bind.equals(other.bind) && port == other.port && ownText.equals(other.ownText);
        }
    }

    /** The host's own settings. */
    record HostSettings(Duration shutdownGrace, boolean adminEnabled, InetAddress adminBind, int adminPort,
                        java.nio.file.Path adminSocket, boolean pluginsWatch, Duration pluginsScanInterval) {
    }

    /** The whole run: every service with its settings, and the host's own settings. */
    record Plan(List<ServicePlan> services, HostSettings host) {
        List<ServicePlan> enabled() {
            return services.stream().filter(ServicePlan::enabled).toList();
        }

        /** The configured UDP ports of the enabled services: the UDP guard drops datagrams from them as loops. */
        Set<Integer> udpPorts() {
            Set<Integer> ports = new TreeSet<>();
            for (ServicePlan p : enabled()) {
                if (p.service().transports().contains(Transport.UDP) && p.port() != 0) {
                    ports.add(p.port());
                }
            }
            return Set.copyOf(ports);
        }

        /** Each enabled service's {@code max-connections}, for those that have the key. */
        Map<String, Integer> maxConnections() {
            Map<String, Integer> max = new LinkedHashMap<>();
            for (ServicePlan p : enabled()) {
                for (ConfigKey<?> key : p.service().keys()) {
                    if (key.name().equals("max-connections") && p.settings().get(key) instanceof Integer n) {
                        max.put(p.service().id(), n);
                    }
                }
            }
            return max;
        }

        Duration shutdownGrace() {
            return host.shutdownGrace();
        }
    }

    /** One key's effective value and where it came from, as {@code netsvc check} prints it. */
    record Effective(String key, String value, String source) {
    }

    /** A value as configured and where it came from (a file, --set, --bind), for messages and listings. */
    record Value(String text, String source) {
    }

    private final Map<String, ServiceInfo> services;
    private final Map<String, Value> values = new LinkedHashMap<>();
    private List<String> enableOnly;
    private final List<String> disable = new ArrayList<>();

    Configuration(Map<String, ServiceInfo> services) {
        this.services = services;
    }

    /** A configuration file larger than this is a mistake (a wrong path, say), not configuration. */
    static final int MAX_FILE = 1 << 20;

    /** Adds the properties of the installation's own {@code file}, over what is there. */
    Configuration addFile(Path file) {
        return addFile(file, null, file.toString());
    }

    /** Adds the properties of {@code file}, named by {@code option} ({@code --config}), over what is there. */
    Configuration addFile(Path file, String option) {
        return addFile(file, option, option + " " + file);
    }

    /**
     * Adds the properties of {@code file}, over what is there. {@code option} ({@code --config}) is the
     * option that named the file, or null for the installation's own file; {@code source} names the file
     * in messages and in {@code netsvc check}. Every failure says what is wrong with the file in plain
     * words: missing, a directory, unreadable, not UTF-8 (with the line).
     */
    Configuration addFile(Path file, String option, String source) {
        String key = option == null ? file.toString() : option;
        String prefix = (option == null ? "" : option + ": ") + "cannot read configuration file " + file + ": ";
        if (Files.isDirectory(file)) {
            throw new ConfigException(key, prefix + "it is a directory; give the properties file itself");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new ConfigException(key, prefix + "it is not a regular file (a pipe or a device?)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE + 1);
        } catch (IOException e) {
            throw new ConfigException(key, prefix + FileErrors.reason(e));
        }
        if (bytes.length > MAX_FILE) {
            throw new ConfigException(key, prefix + "it is larger than " + (MAX_FILE >> 20) + " MiB; is it a properties file?");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(utf8(bytes, file)));
        } catch (IOException e) {
            throw new ConfigException(key, prefix + FileErrors.reason(e));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "configuration file " + file + " is malformed: " + e.getMessage());
        }
        for (String name : new TreeSet<>(p.stringPropertyNames())) {
            values.put(name.strip(), new Value(p.getProperty(name), source));
        }
        return this;
    }

    /**
     * The text of a properties file: UTF-8, a leading byte-order mark dropped (editors on Windows write
     * one). Invalid UTF-8 is refused naming the line and column, instead of Java's "Input length = 1".
     */
    static String utf8(byte[] bytes, Path file) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new ConfigException(file.toString(), "configuration file " + file + " is not UTF-8: line " + line
                    + ", column " + (at - lineStart + 1) + " (byte 0x" + String.format("%02X", bytes[at] & 0xFF)
                    + " at offset " + at + "); save it as UTF-8");
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The value configured for {@code key} (such as {@code http.port}), if any layer sets it. */
    Optional<Value> configured(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Adds one {@code KEY=VALUE} from the command line. */
    Configuration addSetting(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException(assignment, "--set expects KEY=VALUE, got '" + assignment + "'");
        }
        values.put(assignment.substring(0, eq).strip(), new Value(assignment.substring(eq + 1), "--set"));
        return this;
    }

    /** --bind: the default bind address, below any {@code <id>.bind}. */
    Configuration defaultBind(String address) {
        values.put(LAUNCHER_PREFIX + "." + BIND.name(), new Value(address, "--bind"));
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
        Map<String, String> launcher = new LinkedHashMap<>();
        Map<String, String> admin = new LinkedHashMap<>();
        Map<String, String> pluginKeys = new LinkedHashMap<>();

        for (Map.Entry<String, Value> entry : values.entrySet()) {
            String key = entry.getKey();
            Value value = entry.getValue();
            int dot = key.indexOf('.');
            String prefix = dot < 0 ? key : key.substring(0, dot);
            String name = dot < 0 ? "" : key.substring(dot + 1);
            if (prefix.equals(LAUNCHER_PREFIX)) {
                checkName(key, name, names(LAUNCHER_KEYS), value, LAUNCHER_PREFIX);
                launcher.put(name, value.text());
            } else if (prefix.equals(ADMIN_PREFIX)) {
                checkName(key, name, names(ADMIN_KEYS), value, ADMIN_PREFIX);
                admin.put(name, value.text());
            } else if (prefix.equals(PLUGINS_PREFIX)) {
                checkName(key, name, names(PLUGINS_KEYS), value, PLUGINS_PREFIX);
                pluginKeys.put(name, value.text());
            } else if (services.containsKey(prefix)) {
                Set<String> known = new LinkedHashSet<>(COMMON_KEYS);
                known.addAll(names(services.get(prefix).keys()));
                checkName(key, name, known, value, prefix);
                perService.get(prefix).put(name, value.text());
            } else {
                throw new ConfigException(key, "unknown key '" + key + "' in " + value.source() + ": no loaded service is called '"
                        + prefix + "'" + Suggest.hint(prefix, allPrefixes()) + " Services: " + String.join(", ", services.keySet()));
            }
        }

        Settings launcherSettings = parse(LAUNCHER_PREFIX, LAUNCHER_KEYS, launcher);
        Settings adminSettings = parse(ADMIN_PREFIX, ADMIN_KEYS, admin);
        Settings pluginSettings = parse(PLUGINS_PREFIX, PLUGINS_KEYS, pluginKeys);
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
            RestartPolicy restart = new RestartPolicy(RestartPolicy.Mode.of(commonSettings.get(keys.restart())),
                    commonSettings.get(keys.restartLimit()), commonSettings.get(keys.restartWindow()));
            plans.add(new ServicePlan(service, enabled, bind, port, settings, Map.copyOf(own), restart));
        }
        HostSettings host = new HostSettings(launcherSettings.get(SHUTDOWN_GRACE), adminSettings.get(ADMIN_ENABLED),
                adminSettings.get(ADMIN_BIND), adminSettings.get(ADMIN_PORT), adminSettings.get(ADMIN_SOCKET),
                pluginSettings.get(PLUGINS_WATCH), pluginSettings.get(PLUGINS_SCAN_INTERVAL));
        AddressClash.check(plans, host);
        return new Plan(plans, host);
    }

    /**
     * Every key the loaded services and the host know, with its effective value and where that came
     * from ({@code default}, a file, {@code --set}, {@code --bind}, {@code --enable}, {@code --disable}),
     * sorted by key. Call after {@link #plan()} succeeded.
     */
    List<Effective> effective() {
        List<Effective> out = new ArrayList<>();
        addEffective(out, LAUNCHER_PREFIX, LAUNCHER_KEYS);
        addEffective(out, ADMIN_PREFIX, ADMIN_KEYS);
        addEffective(out, PLUGINS_PREFIX, PLUGINS_KEYS);
        for (ServiceInfo service : services.values()) {
            List<ConfigKey<?>> keys = new ArrayList<>(CommonKeys.of(service).all());
            keys.addAll(service.keys());
            int first = out.size();
            addEffective(out, service.id(), keys);
            String enabledKey = service.id() + ".enabled";
            if (enableOnly != null) {
                out.replaceAll(e -> e.key().equals(enabledKey)
                        ? new Effective(enabledKey, Boolean.toString(enableOnly.contains(service.id())), "--enable") : e);
            }
            if (disable.contains(service.id())) {
                out.replaceAll(e -> e.key().equals(enabledKey) ? new Effective(enabledKey, "false", "--disable") : e);
            }
            if (!values.containsKey(service.id() + ".bind")) {
                Value bind = values.get(LAUNCHER_PREFIX + "." + BIND.name());
                String text = bind == null ? BIND.defaultText() : bind.text();
                String source = bind == null ? "default (netsvc.bind)" : bind.source() + " (netsvc.bind)";
                for (int i = first; i < out.size(); i++) {
                    if (out.get(i).key().equals(service.id() + ".bind")) {
                        out.set(i, new Effective(service.id() + ".bind", text, source));
                    }
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Effective::key));
        return out;
    }

    private void addEffective(List<Effective> out, String prefix, List<ConfigKey<?>> keys) {
        for (ConfigKey<?> key : keys) {
            String full = prefix + "." + key.name();
            Value v = values.get(full);
            out.add(v == null ? new Effective(full, key.defaultText(), "default") : new Effective(full, v.text().strip(), v.source()));
        }
    }

    private Settings parse(String id, List<ConfigKey<?>> keys, Map<String, String> raw) {
        try {
            return Settings.parse(id, keys, raw);
        } catch (ConfigException e) {
            Value v = values.get(e.key());
            throw new ConfigException(e.key(), e.getMessage() + (v == null ? "" : " (in " + v.source() + ")"));
        }
    }

    private static void checkName(String key, String name, Set<String> known, Value value, String prefix) {
        if (!known.contains(name)) {
            Set<String> full = new TreeSet<>();
            known.forEach(n -> full.add(prefix + "." + n));
            throw new ConfigException(key, "unknown key '" + key + "' (in " + value.source() + ")" + Suggest.hint(key, full)
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
        all.add(LAUNCHER_PREFIX);
        all.add(ADMIN_PREFIX);
        all.add(PLUGINS_PREFIX);
        return all;
    }

    private static Set<String> names(List<ConfigKey<?>> keys) {
        Set<String> names = new LinkedHashSet<>();
        keys.forEach(k -> names.add(k.name()));
        return names;
    }
}
