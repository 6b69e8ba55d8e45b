package dev.netsvc.core;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.internal.ServiceKeys;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validated values of one service's own keys. Built once, before the service starts, so a service
 * never sees a value it did not declare or one that does not parse.
 */
public final class Settings {

    private final String serviceId;
    private final Map<String, Object> values;
    private final Map<String, Map<String, String>> families;

    private Settings(String serviceId, Map<String, Object> values, Map<String, Map<String, String>> families) {
        this.serviceId = serviceId;
        this.values = Collections.unmodifiableMap(values);
        this.families = Map.copyOf(families);
    }

    /** See {@link HostAccess#parseSettings(String, List, Map)}, the host's way in. */
    static Settings parse(String serviceId, List<ConfigKey<?>> keys, Map<String, String> raw) {
        return parse(serviceId, keys, List.of(), raw);
    }

    /** See {@link HostAccess#parseSettings(String, List, List, Map)}, the host's way in. */
    static Settings parse(String serviceId, List<ConfigKey<?>> keys, List<KeyFamily> declaredFamilies,
                                 Map<String, String> raw) {
        Map<String, Map<String, String>> members = new LinkedHashMap<>();
        declaredFamilies.forEach(f -> members.put(f.name(), new java.util.TreeMap<>()));
        Map<String, String> own = new LinkedHashMap<>();
        raw.forEach((name, text) -> {
            KeyFamily family = declaredFamilies.stream().filter(f -> f.covers(name)).findFirst().orElse(null);
            if (family == null) {
                own.put(name, text);
                return;
            }
            String full = serviceId + "." + name;
            try {
                members.get(family.name()).put(family.member(name), text.strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(full, "invalid key " + full + ": " + e.getMessage());
            }
        });
        Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
        members.forEach((name, map) -> frozen.put(name, Collections.unmodifiableMap(map)));
        return parseOwn(serviceId, keys, declaredFamilies, own, frozen);
    }

    private static Settings parseOwn(String serviceId, List<ConfigKey<?>> keys, List<KeyFamily> declaredFamilies,
                                     Map<String, String> raw, Map<String, Map<String, String>> families) {
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            if (byName.put(key.name(), key) != null) {
                throw new IllegalStateException(serviceId + " declares config key '" + key.name() + "' twice");
            }
        }
        for (String name : raw.keySet()) {
            if (!byName.containsKey(name)) {
                Set<String> names = new LinkedHashSet<>(byName.keySet());
                declaredFamilies.forEach(f -> names.add(f.placeholder()));
                throw new ConfigException(serviceId + "." + name, "unknown key '" + serviceId + "." + name + "'; "
                        + serviceId + " has " + describeNames(serviceId, names));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            String text = raw.get(key.name());
            values.put(key.name(), text == null ? key.defaultValue() : parseOne(serviceId, key, text));
        }
        return new Settings(serviceId, values, families);
    }

    /** Defaults only: what a service gets when nothing is configured. */
    public static Settings defaults(String serviceId, List<ConfigKey<?>> keys) {
        return parse(serviceId, keys, Map.of());
    }

    private static Object parseOne(String serviceId, ConfigKey<?> key, String text) {
        try {
            return key.parse(text);
        } catch (IllegalArgumentException e) {
            String full = serviceId + "." + key.name();
            throw new ConfigException(full, "invalid value for " + full + ": " + e.getMessage());
        }
    }

    /** The host's keys every service has ({@code ServiceKeys}), then {@code names} in order. */
    private static String describeNames(String serviceId, java.util.Collection<String> names) {
        Set<String> all = new LinkedHashSet<>(ServiceKeys.HOST_NAMES);
        all.addAll(new TreeSet<>(names));
        return "keys " + String.join(", ", all.stream().map(n -> serviceId + "." + n).toList());
    }

    /** The value of {@code key}, which the service must have declared. */
    public <T> T get(ConfigKey<T> key) {
        Object value = values.get(key.name());
        if (value == null && !values.containsKey(key.name())) {
            throw new IllegalArgumentException(serviceId + " did not declare config key '" + key.name() + "'");
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }

    /**
     * The members of {@code family} configured, member name to value, sorted by name; empty when none is.
     *
     * @throws IllegalArgumentException if the service did not declare {@code family}
     */
    public Map<String, String> family(KeyFamily family) {
        Map<String, String> members = families.get(family.name());
        if (members == null) {
            throw new IllegalArgumentException(serviceId + " did not declare the key family '" + family.name() + "'");
        }
        return members;
    }

    /** Whether {@code key} is among the keys these settings were parsed with. */
    public boolean declares(ConfigKey<?> key) {
        return values.containsKey(key.name());
    }

    public String serviceId() {
        return serviceId;
    }

    @Override
    public String toString() {
        return serviceId + values;
    }
}
