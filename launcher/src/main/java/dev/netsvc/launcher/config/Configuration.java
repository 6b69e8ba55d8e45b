package dev.netsvc.launcher.config;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.KeyFamily;
import dev.netsvc.core.internal.ServiceKeys;
import dev.netsvc.core.Settings;
import dev.netsvc.launcher.text.PlainCause;
import dev.netsvc.launcher.text.Suggest;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The layered configuration of a run: service defaults &lt; conf/netsvc.properties &lt; --config FILE
 * &lt; --set KEY=VALUE, with --bind, --enable and --disable on top, and the {@link Plan} it makes for the
 * loaded services. Every key is checked against what the loaded services declare, so a typo is an error
 * that names the key, never silently ignored.
 */
public final class Configuration {

    /** The key that makes a new id another instance of a service. */
    static final String INSTANCE_OF = "instance-of";

    private final Map<String, ServiceInfo> provided;
    private final Map<String, Value> values = new LinkedHashMap<>();
    private List<String> enableOnly;
    private final List<String> disable = new ArrayList<>();
    private Path home;
    private boolean part;
    private Map<String, ServiceInfo> services; // provided plus the instances, once planned

    /** The configuration of {@code provided}, the services the loaded plugins provide, by id. */
    public Configuration(Map<String, ServiceInfo> provided) {
        this.provided = provided;
        this.services = provided;
    }

    /**
     * Checks the files and folders the values name ({@link dev.netsvc.core.ConfigKey.Use}), relative ones
     * against {@code home}; without it they are not checked.
     */
    public Configuration checkingFilesAgainst(Path home) {
        this.home = home;
        return this;
    }

    /** Adds the properties of the installation's own {@code file}, over what is there. */
    public Configuration addFile(Path file) {
        return addFile(file, null, file.toString());
    }

    /** Adds the properties of {@code file}, named by {@code option} ({@code --config}), over what is there. */
    public Configuration addFile(Path file, String option) {
        return addFile(file, option, option + " " + file);
    }

    /**
     * Adds the properties of {@code file}, over what is there. {@code option} ({@code --config}) is the
     * option that named the file, or null for the installation's own file; {@code source} names the file
     * in messages and in {@code netsvc check}.
     */
    public Configuration addFile(Path file, String option, String source) {
        PropertiesFile.read(file, option).forEach((key, text) -> values.put(key, new Value(text, source)));
        return this;
    }

    /** Adds one {@code KEY=VALUE} from the command line. */
    public Configuration addSetting(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException(assignment, "--set expects KEY=VALUE, got '" + assignment + "'");
        }
        values.put(assignment.substring(0, eq).strip(), new Value(assignment.substring(eq + 1), "--set"));
        return this;
    }

    /** --bind: the default bind address, below any {@code <id>.bind}. */
    public Configuration defaultBind(String address) {
        values.put(HostKeys.NETSVC + "." + HostKeys.BIND.name(), new Value(address, "--bind"));
        return this;
    }

    /** --enable: run only these services. */
    public Configuration enableOnly(List<String> ids) {
        this.enableOnly = List.copyOf(ids);
        return this;
    }

    /** --disable: run all but these. */
    public Configuration disable(List<String> ids) {
        this.disable.addAll(ids);
        return this;
    }

    /** The value configured for {@code key} (such as {@code http.port}), if any layer sets it. */
    public Optional<Value> configured(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * Plans only the services given, as part of a host that runs others (a plugin deployed while it runs):
     * ids of --enable and --disable the given services do not have are the others' business.
     */
    public Configuration part() {
        this.part = true;
        return this;
    }

    /** Whether --enable or --disable decides about {@code id}, and how ({@code --enable}, {@code --disable}). */
    Optional<Effective> enabledByOption(String id) {
        String key = id + ".enabled";
        if (disable.contains(id)) {
            return Optional.of(new Effective(key, "false", "--disable"));
        }
        if (enableOnly != null) {
            return Optional.of(new Effective(key, Boolean.toString(enableOnly.contains(id)), "--enable"));
        }
        return Optional.empty();
    }

    /** The services planned: those the plugins provide and their instances. */
    Map<String, ServiceInfo> services() {
        return services;
    }

    /** Validates everything and returns the plan; the first problem found is a {@link ConfigException}. */
    public Plan plan() {
        services = withInstances();
        Map<String, Map<String, String>> perService = new LinkedHashMap<>();
        services.keySet().forEach(id -> perService.put(id, new LinkedHashMap<>()));
        Map<String, Map<String, String>> host = new LinkedHashMap<>();
        HostKeys.PREFIXES.forEach(prefix -> host.put(prefix, new LinkedHashMap<>()));
        Map<String, List<Map.Entry<String, Value>>> parked = new LinkedHashMap<>();

        for (Map.Entry<String, Value> entry : values.entrySet()) {
            String key = entry.getKey();
            Value value = entry.getValue();
            int dot = key.indexOf('.');
            String prefix = dot < 0 ? key : key.substring(0, dot);
            String name = dot < 0 ? "" : key.substring(dot + 1);
            if (HostKeys.PREFIXES.contains(prefix)) {
                checkName(key, name, names(HostKeys.under(prefix)), value, prefix);
                host.get(prefix).put(name, value.text());
            } else if (services.containsKey(prefix)) {
                if (name.equals(INSTANCE_OF)) {
                    continue; // read by withInstances
                }
                ServiceInfo service = services.get(prefix);
                if (service.isTemplate()) {
                    throw new ConfigException(key, "'" + key + "' (in " + value.source() + "): " + prefix
                            + " is a template, which runs only as instances of it, each with an id and keys of its own: e.g. "
                            + prefix + "1." + INSTANCE_OF + "=" + prefix + " and " + prefix + "1." + name + "=...");
                }
                if (service.families().stream().noneMatch(f -> f.covers(name))) { // members are checked as they parse
                    Set<String> known = new LinkedHashSet<>(ServiceKeys.HOST_NAMES);
                    known.addAll(names(service.keys()));
                    service.families().forEach(f -> known.add(f.placeholder()));
                    if (!known.contains(name) && ServiceKeys.isTcpOnly(name)) {
                        throw new ConfigException(key, key + " (in " + value.source() + "): " + prefix + " listens on UDP only ("
                                + service.transportLabel() + "); TLS and the PROXY protocol are for TCP services"
                                + " (DTLS is not supported)");
                    }
                    checkName(key, name, known, value, prefix);
                }
                perService.get(prefix).put(name, value.text());
            } else if (dot > 0 && prefix.matches("[a-z0-9][a-z0-9-]*")) {
                parked.computeIfAbsent(prefix, p -> new ArrayList<>()).add(entry);
            } else {
                throw new ConfigException(key, "unknown key '" + key + "' in " + value.source() + ": a key is SERVICE.NAME or one of "
                        + "netsvc.*, admin.*, plugins.*" + Suggest.hint(prefix, allPrefixes()) + " Services: "
                        + String.join(", ", services.keySet()));
            }
        }

        Settings netsvc = parse(HostKeys.NETSVC, HostKeys.NETSVC_KEYS, host.get(HostKeys.NETSVC));
        Settings admin = parse(HostKeys.ADMIN, HostKeys.ADMIN_KEYS, host.get(HostKeys.ADMIN));
        Settings plugins = parse(HostKeys.PLUGINS, HostKeys.PLUGINS_KEYS, host.get(HostKeys.PLUGINS));
        InetAddress defaultBind = netsvc.get(HostKeys.BIND);
        if (!part) {
            checkIds("--enable", enableOnly == null ? List.of() : enableOnly);
            checkIds("--disable", disable);
        }

        List<ServicePlan> plans = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (ServiceInfo service : services.values()) {
            if (!service.isTemplate()) { // a template runs only as its instances
                ServicePlan plan = planOne(service, perService.get(service.id()), defaultBind, warnings);
                plans.add(plan);
                if (part && !plan.enabled()) { // a plugin dropped in: say why its service does not start
                    warnings.add(plan.id() + " is disabled (" + enabledByOption(plan.id()).map(Effective::source)
                            .orElse(plan.id() + ".enabled=false") + "): not started; 'netsvc start " + plan.id()
                            + "' starts it for this run");
                }
            }
        }
        HostSettings settings = new HostSettings(netsvc.get(HostKeys.SHUTDOWN_GRACE), netsvc.get(HostKeys.SHUTDOWN_DRAIN_DELAY),
                netsvc.get(HostKeys.PROBATION),
                admin.get(HostKeys.ADMIN_ENABLED), admin.get(HostKeys.ADMIN_BIND), admin.get(HostKeys.ADMIN_PORT),
                admin.get(HostKeys.ADMIN_SOCKET), plugins.get(HostKeys.PLUGINS_WATCH), plugins.get(HostKeys.PLUGINS_SCAN_INTERVAL));
        AddressClash.check(plans, settings);
        return new Plan(plans, settings, parked(parked), warnings);
    }

    /**
     * The provided services and every {@code <id>.instance-of=<service>} of them. An instance of a
     * service no loaded plugin provides waits with the other keys of its id ({@link ParkedKeys}).
     */
    private Map<String, ServiceInfo> withInstances() {
        Map<String, ServiceInfo> all = new LinkedHashMap<>(provided);
        for (Map.Entry<String, Value> entry : values.entrySet()) {
            String key = entry.getKey();
            if (!key.endsWith("." + INSTANCE_OF)) {
                continue;
            }
            String id = key.substring(0, key.length() - INSTANCE_OF.length() - 1);
            String of = entry.getValue().text().strip();
            String where = " (in " + entry.getValue().source() + ")";
            if (provided.containsKey(id)) {
                throw new ConfigException(key, key + where + ": " + id + " is a service of plugin " + provided.get(id).pluginId()
                        + "; instance-of makes a new id another instance of a service, e.g. " + id + "2." + INSTANCE_OF + "=" + id);
            }
            if (HostKeys.PREFIXES.contains(id) || !id.matches("[a-z0-9][a-z0-9-]*")) {
                throw new ConfigException(key, key + where + ": '" + id + "' cannot be a service id (lower case letters,"
                        + " digits and '-', not netsvc, admin or plugins)");
            }
            ServiceInfo template = provided.get(of);
            if (template != null) {
                all.put(id, template.instance(id));
            } else if (!of.matches("[a-z0-9][a-z0-9-]*")) {
                throw new ConfigException(key, key + where + ": '" + of + "' is not a service id" + Suggest.hint(of, provided.keySet()));
            }
        }
        return all;
    }

    private List<ParkedKeys> parked(Map<String, List<Map.Entry<String, Value>>> parked) {
        List<ParkedKeys> out = new ArrayList<>();
        parked.forEach((id, entries) -> out.add(new ParkedKeys(id,
                entries.stream().map(Map.Entry::getKey).toList(),
                entries.stream().map(e -> e.getValue().source()).distinct().toList(),
                Suggest.closest(id, services.keySet()).orElse(""))));
        return out;
    }

    // Checks the files and folders an enabled service's keys name; returns the digests of the files it reads
    private Map<String, String> checkFiles(ServiceInfo service) {
        if (home == null) {
            return Map.of();
        }
        Map<String, String> digests = new LinkedHashMap<>();
        for (ConfigKey<?> key : service.keys()) {
            String full = service.id() + "." + key.name();
            Value v = values.get(full);
            String text = v == null ? key.defaultText() : v.text();
            PathChecks.check(full, key.use(), text, v == null ? "default" : v.source(), home);
            PathChecks.digest(key.use(), text, home).ifPresent(d -> digests.put(key.name(), d));
        }
        return digests;
    }

    private ServicePlan planOne(ServiceInfo service, Map<String, String> raw, InetAddress defaultBind, List<String> warnings) {
        Map<String, String> common = new LinkedHashMap<>();
        Map<String, String> own = new LinkedHashMap<>();
        raw.forEach((k, v) -> (ServiceKeys.HOST_NAMES.contains(k) ? common : own).put(k, v));
        ServiceKeys.HostKeys keys = ServiceKeys.host(service.id(), service.defaultPort());
        Settings commonSettings = parse(service.id(), ServiceKeys.hostKeys(service.id(), service.defaultPort()), List.of(), common);
        Settings settings = parse(service.id(), service.keys(), service.families(), own);
        boolean enabled = enabledByOption(service.id()).map(e -> Boolean.parseBoolean(e.value()))
                .orElse(commonSettings.get(keys.enabled()));
        if (service.fromTemplate() && !common.containsKey("port")) {
            String full = service.id() + ".port";
            throw new ConfigException(full, full + " is required: " + service.id() + " is an instance of " + service.instanceOf()
                    + ", a template, which has no port of its own (0 picks a free one)");
        }
        if (enabled) {
            validate(service, settings);
        }
        service = service.configured(settings);
        InetAddress bind = common.containsKey("bind") ? commonSettings.get(keys.bind()) : defaultBind;
        RestartPolicy restart = new RestartPolicy(RestartPolicy.Mode.of(commonSettings.get(keys.restart())),
                commonSettings.get(keys.restartLimit()), commonSettings.get(keys.restartWindow()));
        Map<String, String> files = enabled ? checkFiles(service) : Map.of();
        if (enabled && home != null) {
            checkService(service.id(), settings, warnings);
        }
        return new ServicePlan(service, enabled, bind, commonSettings.get(keys.port()), settings, own, restart, files,
                commonSettings.get(ServiceKeys.REUSE_PORT));
    }

    /**
     * What core checks of an enabled service's settings beyond their values: its TLS files (a readable
     * certificate and its key, not expired), the keys that go together. A problem names where the key
     * was set; a warning (a certificate that expires soon) goes with the plan.
     */
    private void checkService(String id, Settings settings, List<String> warnings) {
        try {
            ServiceKeys.check(id, settings, path -> path.isAbsolute() ? path : home.resolve(path).normalize(), Clock.systemUTC(),
                    warnings::add);
        } catch (ConfigException e) {
            Value v = values.get(e.key());
            throw new ConfigException(e.key(), e.getMessage() + (v == null ? "" : " (" + e.key() + " in " + v.source() + ")"));
        }
    }

    /**
     * Every key the loaded services and the host know, with its effective value and where that came
     * from, sorted by key ({@code netsvc check}). Call after {@link #plan()} succeeded.
     */
    public List<Effective> effective() {
        return EffectiveKeys.of(this, values);
    }

    private Settings parse(String id, List<ConfigKey<?>> keys, Map<String, String> raw) {
        return parse(id, keys, List.of(), raw);
    }

    private Settings parse(String id, List<ConfigKey<?>> keys, List<KeyFamily> families, Map<String, String> raw) {
        try {
            return HostAccess.parseSettings(id, keys, families, raw);
        } catch (ConfigException e) {
            throw withSource(e);
        }
    }

    // What the service itself checks across its keys (NetService.validate), after each parsed
    private void validate(ServiceInfo service, Settings settings) {
        try {
            service.service().validate(settings);
        } catch (ConfigException e) {
            throw withSource(e);
        } catch (RuntimeException e) {
            throw new ConfigException(service.id(), service.id() + ": its plugin " + service.pluginId()
                    + " failed to validate its settings: " + PlainCause.of(e));
        }
    }

    // The exception, saying where its key was set
    private ConfigException withSource(ConfigException e) {
        ConfigException named = ConfigErrors.namingKey(e);
        Value v = values.get(e.key());
        return v == null ? named : new ConfigException(e.key(), named.getMessage() + " (in " + v.source() + ")");
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
            if (services.containsKey(id) && services.get(id).isTemplate()) {
                throw new ConfigException(option, option + ": " + id + " is a template, which runs only as instances of it"
                        + " (" + id + "1." + INSTANCE_OF + "=" + id + "); name an instance");
            }
            if (!services.containsKey(id)) {
                throw new ConfigException(option, option + ": no loaded service is called '" + id + "'"
                        + Suggest.hint(id, services.keySet()) + " Services: " + String.join(", ", services.keySet()));
            }
        }
    }

    private Set<String> allPrefixes() {
        Set<String> all = new TreeSet<>(services.keySet());
        all.addAll(HostKeys.PREFIXES);
        return all;
    }

    static Set<String> names(List<ConfigKey<?>> keys) {
        Set<String> names = new LinkedHashSet<>();
        keys.forEach(k -> names.add(k.name()));
        return names;
    }
}
