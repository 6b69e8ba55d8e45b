package dev.netsvc.launcher.admin;

import dev.netsvc.core.Counter;
import dev.netsvc.core.Counters;
import dev.netsvc.core.MetricFamily;

import java.util.List;

/**
 * Which service counter feeds which metric family: core's one declaration ({@link Counters}), read as
 * the exposition needs it. A counter no declaration covers is still exported, as
 * {@code netsvc_service_events_total{event="<counter name>"}}, so a third-party plugin's counters show.
 *
 * <p>Every sample also carries {@code service}. When two counters of one service land on the same family
 * and labels (an engine that counted both {@code tcp.bytes.echoed} and {@code tcp.bytes.received}) their
 * values add up: an engine counts one or the other.
 */
final class CounterMetrics {

    /** Every family a counter can feed, in the order /metrics lists them. */
    static final List<MetricFamily> FAMILIES = Counters.FAMILIES;

    private CounterMetrics() {
    }

    /** The families and labels {@code counter} feeds; the generic events family when no declaration covers it. */
    static List<Counter.Target> targets(String counter) {
        return Counters.targets(counter);
    }
}
