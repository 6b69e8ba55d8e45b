package dev.netsvc.core;

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

    private Settings(String serviceId, Map<String, Object> values) {
        this.serviceId = serviceId;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Validates {@code raw} (short key name to text) against {@code keys}; keys missing from {@code raw}
     * take their defaults.
     *
     * @throws ConfigException naming the full key ({@code <serviceId>.<name>}) and what is valid
     */
    public static Settings parse(String serviceId, List<ConfigKey<?>> keys, Map<String, String> raw) {
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            if (byName.put(key.name(), key) != null) {
                throw new IllegalStateException(serviceId + " declares config key '" + key.name() + "' twice");
            }
        }
        for (String name : raw.keySet()) {
            if (!byName.containsKey(name)) {
                throw new ConfigException(serviceId + "." + name, "unknown key '" + serviceId + "." + name + "'; "
                        + serviceId + " has " + describeNames(serviceId, byName.keySet()));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            String text = raw.get(key.name());
            values.put(key.name(), text == null ? key.defaultValue() : parseOne(serviceId, key, text));
        }
        return new Settings(serviceId, values);
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

    /** The host's keys every service has ({@link ServiceKeys}), then {@code names} in order. */
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
