package dev.netsvc.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service counter declared once: its name in {@link ServiceCounters} and what the host's {@code /metrics}
 * exports it as. A name ending in '.' declares a group of counters whose last part is a label value:
 * {@code udp.dropped.} holds {@code udp.dropped.loop}, {@code udp.dropped.acl}, ... ({@link #member}).
 *
 * <p>Keep counters as constants and take their adders once: {@code counters.counter(Counters.TCP_ACCEPTED)}.
 * The counters core's engines keep, and those of the plugins that ship, are in {@link Counters}; a
 * plugin's own counter is declared with {@link #of(String)} and exported as
 * {@code netsvc_service_events_total{event="<name>"}}.
 *
 * @param name    the counter's name (lower case words joined by '.'), or a group's prefix ending in '.'
 * @param exports the families it feeds; none: it is one of the service's events
 */
public record Counter(String name, List<Export> exports) {

    /**
     * One family a counter feeds: with fixed labels, and for a group the label that holds the rest of
     * the member's name.
     */
    public record Export(MetricFamily family, Map<String, String> labels, String restLabel) {
        public Export {
            Objects.requireNonNull(family, "family");
            labels = Map.copyOf(labels);
        }
    }

    /** Where one counter's value goes: a family and its labels besides {@code service}. */
    public record Target(MetricFamily family, Map<String, String> labels) {
    }

    public Counter {
        if (!name.matches("[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*\\.?")) {
            throw new IllegalArgumentException("counter name '" + name + "': expected lower case words joined by '.'");
        }
        exports = List.copyOf(exports);
        for (Export e : exports) {
            if (isGroup(name) != (e.restLabel() != null)) {
                throw new IllegalArgumentException("counter " + name + ": a group, and only a group, names the label of its rest");
            }
        }
    }

    /** A counter of a plugin's own, exported as one of the service's events. */
    public static Counter of(String name) {
        return new Counter(name, List.of());
    }

    /** Whether this declares a group of counters (its name ends in '.'). */
    public boolean isGroup() {
        return isGroup(name);
    }

    /** The group's counter for {@code rest}: {@code udp.dropped.} and {@code loop} give {@code udp.dropped.loop}. */
    public String member(String rest) {
        if (!isGroup()) {
            throw new IllegalStateException(name + " is a counter, not a group");
        }
        return name + rest;
    }

    /** Whether {@code counterName} is this counter, or a member of this group. */
    public boolean covers(String counterName) {
        return isGroup() ? counterName.startsWith(name) && counterName.length() > name.length() : counterName.equals(name);
    }

    /** The families and labels the counter {@code counterName}, which this one {@link #covers}, feeds. */
    public List<Target> targets(String counterName) {
        return exports.stream().map(e -> {
            Map<String, String> labels = new LinkedHashMap<>(e.labels());
            if (e.restLabel() != null) {
                labels.put(e.restLabel(), counterName.substring(name.length()));
            }
            return new Target(e.family(), labels);
        }).toList();
    }

    private static boolean isGroup(String name) {
        return name.endsWith(".");
    }
}
