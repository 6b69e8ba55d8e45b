package dev.netsvc.launcher.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one table of which service counter feeds which metric family. A counter name is matched exactly or
 * by a prefix ending in '.', whose rest becomes a label ({@code udp.dropped.loop} gives
 * {@code reason="loop"}). A counter no row matches is still exported, as
 * {@code netsvc_service_events_total{event="<counter name>"}}, so a third-party plugin's counters show.
 *
 * <p>Every sample also carries {@code service}. When two counters of one service land on the same family
 * and labels (an engine that counted both {@code tcp.bytes.echoed} and {@code tcp.bytes.received}) their
 * values add up: an engine counts one or the other.
 */
final class CounterMetrics {

    enum Kind { COUNTER, GAUGE }

    /**
     * One exported family. {@code name} is the name without the {@code _total} that the text format adds
     * to counters; {@code labels} are the labels besides {@code service}.
     */
    record Family(String name, Kind kind, String help, List<String> labels) {
    }

    static final Family ACCEPTED = counter("netsvc_connections_accepted", "connections accepted", "transport");
    static final Family ACTIVE = new Family("netsvc_connections_active", Kind.GAUGE, "connections open now",
            List.of("transport"));
    static final Family REFUSED = counter("netsvc_connections_refused",
            "connections refused before any byte of service, by reason (acl, per-source, rate, max-connections)",
            "transport", "reason");
    static final Family CLOSED = counter("netsvc_connections_closed",
            "connections the service closed itself, by reason (idle-timeout, input-limit)", "transport", "reason");
    static final Family FAILED = counter("netsvc_connections_failed", "connections that ended on an unexpected I/O error or a handler failure",
            "transport");
    static final Family PAUSES = counter("netsvc_backpressure_pauses",
            "times a connection stopped reading because its client did not read replies", "transport");
    static final Family RECEIVED_BYTES = counter("netsvc_received_bytes", "bytes received from clients", "transport");
    static final Family SENT_BYTES = counter("netsvc_sent_bytes", "bytes sent to clients", "transport");
    static final Family REPLIES = counter("netsvc_replies", "replies sent (one per TCP connection or datagram)",
            "transport");
    static final Family DATAGRAMS = counter("netsvc_datagrams_received", "datagrams received", "transport");
    static final Family DATAGRAMS_DROPPED = counter("netsvc_datagrams_dropped",
            "datagrams dropped without a reply, by reason", "transport", "reason");
    static final Family DATAGRAMS_FAILED = counter("netsvc_datagrams_failed",
            "datagrams whose reply could not be computed or sent", "transport");
    static final Family HTTP_REQUESTS = counter("netsvc_http_requests", "HTTP requests answered");
    static final Family HTTP_RESPONSES = counter("netsvc_http_responses", "HTTP responses by status class (2xx ... 5xx)",
            "class");
    static final Family EVENTS = counter("netsvc_service_events",
            "a service's counters that have no family of their own (a third-party plugin's, for example)", "event");

    /** One row: a counter name (or a prefix ending in '.') → a family, fixed labels and the prefix's label. */
    private record Row(String counter, Family family, Map<String, String> fixed, String restLabel) {
        boolean prefix() {
            return counter.endsWith(".");
        }
    }

    private static final List<Row> TABLE = List.of(
            row("tcp.connections.accepted",       ACCEPTED,          "transport", "tcp"),
            row("tcp.connections.active",         ACTIVE,            "transport", "tcp"),
            rest("tcp.connections.refused.",      REFUSED,  "reason", "transport", "tcp"),
            row("tcp.connections.idle-timeout",   CLOSED,            "transport", "tcp", "reason", "idle-timeout"),
            row("tcp.connections.input-limit",    CLOSED,            "transport", "tcp", "reason", "input-limit"),
            row("tcp.connections.failed",         FAILED,            "transport", "tcp"),
            row("tcp.backpressure.pauses",        PAUSES,            "transport", "tcp"),
            row("tcp.bytes.received",             RECEIVED_BYTES,    "transport", "tcp"),
            row("tcp.bytes.sent",                 SENT_BYTES,        "transport", "tcp"),
            // an echo service sends back every byte it receives and counts them once
            row("tcp.bytes.echoed",               RECEIVED_BYTES,    "transport", "tcp"),
            row("tcp.bytes.echoed",               SENT_BYTES,        "transport", "tcp"),
            row("tcp.replied",                    REPLIES,           "transport", "tcp"),
            row("udp.received",                   DATAGRAMS,         "transport", "udp"),
            row("udp.replied",                    REPLIES,           "transport", "udp"),
            row("udp.failed",                     DATAGRAMS_FAILED,  "transport", "udp"),
            rest("udp.dropped.",                  DATAGRAMS_DROPPED, "reason", "transport", "udp"),
            row("udp.bytes.received",             RECEIVED_BYTES,    "transport", "udp"),
            row("udp.bytes.sent",                 SENT_BYTES,        "transport", "udp"),
            row("http.requests",                  HTTP_REQUESTS),
            rest("http.responses.",               HTTP_RESPONSES,    "class"));

    /** Every family a counter can feed, in the order /metrics lists them. */
    static final List<Family> FAMILIES = List.of(ACCEPTED, ACTIVE, REFUSED, CLOSED, FAILED, PAUSES, RECEIVED_BYTES,
            SENT_BYTES, REPLIES, DATAGRAMS, DATAGRAMS_DROPPED, DATAGRAMS_FAILED, HTTP_REQUESTS, HTTP_RESPONSES, EVENTS);

    /** Where one counter's value goes: a family and its labels besides {@code service}. */
    record Target(Family family, Map<String, String> labels) {
    }

    private CounterMetrics() {
    }

    /** The families and labels {@code counter} feeds; the generic events family when no row matches. */
    static List<Target> targets(String counter) {
        List<Target> targets = new ArrayList<>(2);
        for (Row row : TABLE) {
            if (row.prefix() ? counter.startsWith(row.counter()) && counter.length() > row.counter().length()
                    : counter.equals(row.counter())) {
                Map<String, String> labels = new LinkedHashMap<>(row.fixed());
                if (row.prefix()) {
                    labels.put(row.restLabel(), counter.substring(row.counter().length()));
                }
                targets.add(new Target(row.family(), labels));
            }
        }
        if (targets.isEmpty()) {
            targets.add(new Target(EVENTS, Map.of("event", counter)));
        }
        return targets;
    }

    private static Family counter(String name, String help, String... labels) {
        return new Family(name, Kind.COUNTER, help, List.of(labels));
    }

    private static Row row(String counter, Family family, String... fixed) {
        return new Row(counter, family, pairs(fixed), null);
    }

    private static Row rest(String prefix, Family family, String restLabel, String... fixed) {
        return new Row(prefix, family, pairs(fixed), restLabel);
    }

    private static Map<String, String> pairs(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }
}
