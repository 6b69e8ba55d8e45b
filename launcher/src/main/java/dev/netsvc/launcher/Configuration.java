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
    static final Set<String> COMMON_KEYS = Set.of("enabled", "port", "bind");

    static final ConfigKey<InetAddress> BIND = ConfigKey.address("bind", "127.0.0.1",
            "default bind address of every service (0.0.0.0 or :: exposes them)");
    static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.duration("shutdown-grace", "5s",
            Duration.ZERO, Duration.ofMinutes(10), "how long services may finish their work on shutdown");
    static final List<ConfigKey<?>> LAUNCHER_KEYS = List.of(BIND, SHUTDOWN_GRACE);

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

    /** The whole run: every service with its settings, and the launcher's own settings. */
    record Plan(List<ServicePlan> services, Duration shutdownGrace) {
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
    }

    /** A value as configured and where it came from ("in FILE", "in --set"), for messages and listings. */
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
        return addFile(file, null);
    }

    /**
     * Adds the properties of {@code file}, over what is there. {@code option} ({@code --config}) is the
     * option that named the file, or null for the installation's own file. Every failure says what is
     * wrong with the file in plain words: missing, a directory, unreadable, not UTF-8 (with the line).
     */
    Configuration addFile(Path file, String option) {
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
            values.put(name.strip(), new Value(p.getProperty(name), "in " + file));
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
        Map<String, String> launcher = new LinkedHashMap<>();

        for (Map.Entry<String, Value> entry : values.entrySet()) {
            String key = entry.getKey();
            Value value = entry.getValue();
            int dot = key.indexOf('.');
            String prefix = dot < 0 ? key : key.substring(0, dot);
            String name = dot < 0 ? "" : key.substring(dot + 1);
            if (prefix.equals(LAUNCHER_PREFIX)) {
                checkName(key, name, names(LAUNCHER_KEYS), value, LAUNCHER_PREFIX);
                launcher.put(name, value.text());
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

        Settings launcherSettings = parse(LAUNCHER_PREFIX, LAUNCHER_KEYS, launcher);
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
        return new Plan(plans, launcherSettings.get(SHUTDOWN_GRACE));
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
        all.add(LAUNCHER_PREFIX);
        return all;
    }

    private static Set<String> names(List<ConfigKey<?>> keys) {
        Set<String> names = new LinkedHashSet<>();
        keys.forEach(k -> names.add(k.name()));
        return names;
    }
}
