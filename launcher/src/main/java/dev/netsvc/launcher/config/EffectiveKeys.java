package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.KeyFamily;
import dev.netsvc.core.internal.ServiceKeys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What {@code netsvc check} lists: every key the loaded services and the host know (and the members of
 * their key families that are set), its effective value
 * and where that came from ({@code default}, a file, {@code --set}, {@code --bind}, {@code --enable},
 * {@code --disable}), sorted by key.
 */
final class EffectiveKeys {

    private EffectiveKeys() {
    }

    static List<Effective> of(Configuration config, Map<String, Value> values) {
        List<Effective> out = new ArrayList<>();
        for (String prefix : List.of(HostKeys.NETSVC, HostKeys.ADMIN, HostKeys.PLUGINS)) {
            add(out, values, prefix, HostKeys.under(prefix));
        }
        for (ServiceInfo service : config.services().values()) {
            if (service.isTemplate()) {
                continue; // never runs itself: its instances are listed
            }
            List<ConfigKey<?>> keys = new ArrayList<>(ServiceKeys.hostKeys(service.id(), service.defaultPort()));
            keys.addAll(service.keys());
            int first = out.size();
            add(out, values, service.id(), keys);
            for (KeyFamily family : service.families()) { // the members configured; a family has no defaults
                String prefix = service.id() + "." + family.prefix();
                values.forEach((key, v) -> {
                    if (key.startsWith(prefix)) {
                        out.add(new Effective(key, v.text().strip(), v.source()));
                    }
                });
            }
            config.enabledByOption(service.id()).ifPresent(e -> replace(out, first, e));
            if (!values.containsKey(service.id() + ".bind")) {
                Value bind = values.get(HostKeys.NETSVC + "." + HostKeys.BIND.name());
                replace(out, first, new Effective(service.id() + ".bind",
                        bind == null ? HostKeys.BIND.defaultText() : bind.text(),
                        bind == null ? "default (netsvc.bind)" : bind.source() + " (netsvc.bind)"));
            }
        }
        out.sort(Comparator.comparing(Effective::key));
        return out;
    }

    private static void add(List<Effective> out, Map<String, Value> values, String prefix, List<ConfigKey<?>> keys) {
        for (ConfigKey<?> key : keys) {
            String full = prefix + "." + key.name();
            Value v = values.get(full);
            out.add(v == null ? new Effective(full, key.defaultText(), "default") : new Effective(full, v.text().strip(), v.source()));
        }
    }

    // The entry of the same key, at or after index 'from', becomes 'with'
    private static void replace(List<Effective> out, int from, Effective with) {
        for (int i = from; i < out.size(); i++) {
            if (out.get(i).key().equals(with.key())) {
                out.set(i, with);
            }
        }
    }
}
