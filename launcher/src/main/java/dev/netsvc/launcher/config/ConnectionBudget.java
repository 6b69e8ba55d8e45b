package dev.netsvc.launcher.config;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Settings;
import dev.netsvc.core.internal.FileDescriptors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Fits the enabled services' {@code max-connections} defaults to the open files the process may have: each
 * connection is a descriptor, and defaults that add up to more than the limit only promise connections
 * whose accept would fail ({@code too many open files}). A value the operator set is left as set (the
 * host warns when those alone do not fit); the defaults share what is left in proportion, so a
 * machine with a low limit (20,000 here, where the defaults add up to 43,000) starts without a warning.
 * The JVM has already raised its soft limit to the hard one ({@code -XX:+MaxFDLimit}, on by default).
 */
final class ConnectionBudget {

    private static final String KEY = "max-connections";

    private ConnectionBudget() {
    }

    /** {@code plans}, with defaulted {@code max-connections} lowered to fit {@code limit} when they do not. */
    static List<ServicePlan> fit(List<ServicePlan> plans, OptionalLong limit) {
        if (limit.isEmpty()) {
            return plans;
        }
        long set = 0;
        long defaulted = 0;
        Map<String, Integer> defaults = new LinkedHashMap<>();
        for (ServicePlan p : plans) {
            Integer n = maxConnections(p);
            if (!p.enabled() || n == null) {
                continue;
            }
            if (p.ownText().containsKey(KEY)) {
                set += n;
            } else {
                defaulted += n;
                defaults.put(p.id(), n);
            }
        }
        long room = limit.getAsLong() - FileDescriptors.RESERVE - set;
        if (defaulted == 0 || set + defaulted + FileDescriptors.RESERVE <= limit.getAsLong() || room < defaults.size()) {
            return plans; // they fit, or nothing could: the host's warning says what to raise
        }
        List<ServicePlan> fitted = new ArrayList<>();
        for (ServicePlan p : plans) {
            Integer n = defaults.get(p.id());
            if (n == null) {
                fitted.add(p);
                continue;
            }
            int share = (int) Math.max(1, n * room / defaulted);
            Map<String, String> raw = new LinkedHashMap<>(p.ownText());
            raw.put(KEY, Integer.toString(share));
            Settings settings = HostAccess.parseSettings(p.id(), p.service().keys(), raw);
            fitted.add(new ServicePlan(p.service(), p.enabled(), p.bind(), p.port(), settings, p.ownText(), p.restart(), p.files(),
                    p.reusePort()));
        }
        return fitted;
    }

    private static Integer maxConnections(ServicePlan p) {
        for (ConfigKey<?> key : p.service().keys()) {
            if (key.name().equals(KEY) && p.settings().get(key) instanceof Integer n) {
                return n;
            }
        }
        return null;
    }
}
