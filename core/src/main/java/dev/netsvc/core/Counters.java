package dev.netsvc.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters core's engines and the plugins that ship keep, and the metric families the host's
 * {@code /metrics} exports them as: declared here once, read by the engines and plugins (to count), by
 * the host (to export, in {@link #FAMILIES} order) and checked against docs/operators.md by a test.
 * A counter no declaration {@link Counter#covers covers} is still exported, as
 * {@code netsvc_service_events_total{event="<name>"}}, so a third-party plugin's counters show.
 *
 * <p>When two counters of one service feed the same family and labels, the host adds them up: an engine
 * counts {@link #TCP_BYTES_ECHOED} or the received and sent bytes, never both.
 */
public final class Counters {

    private Counters() {
    }

    // ---- the families, in the order /metrics lists them ----------------------------------------------

    public static final MetricFamily CONNECTIONS_ACCEPTED = counter("netsvc_connections_accepted", "connections accepted",
            "transport");
    public static final MetricFamily CONNECTIONS_ACTIVE = new MetricFamily("netsvc_connections_active",
            MetricFamily.Kind.GAUGE, "connections open now", List.of("transport"));
    public static final MetricFamily CONNECTIONS_REFUSED = counter("netsvc_connections_refused",
            "connections refused before any byte of service, by reason (acl, per-source, rate, proxy)",
            "transport", "reason");
    public static final MetricFamily CONNECTIONS_CLOSED = counter("netsvc_connections_closed",
            "connections the service closed itself, by reason (idle-timeout, input-limit, malformed)", "transport", "reason");
    public static final MetricFamily CONNECTIONS_FAILED = counter("netsvc_connections_failed",
            "connections that ended on an unexpected I/O error or a handler failure", "transport");
    public static final MetricFamily BACKPRESSURE_PAUSES = counter("netsvc_backpressure_pauses",
            "times a connection stopped reading because its client did not read replies", "transport");
    public static final MetricFamily RECEIVED_BYTES = counter("netsvc_received_bytes", "bytes received from clients",
            "transport");
    public static final MetricFamily SENT_BYTES = counter("netsvc_sent_bytes", "bytes sent to clients", "transport");
    public static final MetricFamily REPLIES = counter("netsvc_replies",
            "replies sent (one per TCP connection or datagram)", "transport");
    public static final MetricFamily DATAGRAMS_RECEIVED = counter("netsvc_datagrams_received", "datagrams received",
            "transport");
    public static final MetricFamily DATAGRAMS_DROPPED = counter("netsvc_datagrams_dropped",
            "datagrams dropped without a reply, by reason", "transport", "reason");
    public static final MetricFamily DATAGRAMS_FAILED = counter("netsvc_datagrams_failed",
            "datagrams whose reply could not be computed or sent", "transport");
    public static final MetricFamily HTTP_REQUESTS_ANSWERED = counter("netsvc_http_requests", "HTTP requests answered");
    public static final MetricFamily HTTP_RESPONSES_BY_CLASS = counter("netsvc_http_responses",
            "HTTP responses by status class (2xx ... 5xx)", "class");
    public static final MetricFamily TLS_CERTIFICATE_EXPIRY = new MetricFamily("netsvc_tls_certificate_expiry_timestamp_seconds",
            MetricFamily.Kind.GAUGE, "when the TLS certificate new connections get expires, in unix time", List.of());
    public static final MetricFamily TLS_HANDSHAKES = counter("netsvc_tls_handshakes",
            "TLS handshakes by outcome (completed, failed) and protocol version (tls1.3, tls1.2; none if none was agreed)",
            "outcome", "version");
    public static final MetricFamily TLS_HANDSHAKE_FAILURES_BY_REASON = counter("netsvc_tls_handshake_failures",
            "failed TLS handshakes by reason (no-common-protocol, unknown-ca, bad-certificate, subject-not-allowed, timeout,"
                    + " not-tls, closed, other)", "reason");
    public static final MetricFamily PROXY_REFUSED_BY_REASON = counter("netsvc_proxy_refused",
            "connections refused by the PROXY protocol, by reason (untrusted, malformed, timeout, closed)", "reason");
    public static final MetricFamily EXEC_STARTED = counter("netsvc_exec_programs_started",
            "programs an exec service started (one per TCP connection or UDP datagram)");
    public static final MetricFamily EXEC_START_FAILURES = counter("netsvc_exec_start_failures",
            "programs an exec service could not start (the client was closed, or got no reply)");
    public static final MetricFamily EXEC_RUNNING = new MetricFamily("netsvc_exec_programs_running",
            MetricFamily.Kind.GAUGE, "programs of an exec service running now", List.of());
    public static final MetricFamily EXEC_ENDED = counter("netsvc_exec_programs_ended",
            "programs that ended, by reason (exit, client-gone, connection-closed, timeout, too-long, shutdown)", "reason");
    public static final MetricFamily EXEC_KILLED = counter("netsvc_exec_programs_killed",
            "programs (or their process groups) that had to be killed because SIGTERM did not end them");
    /** Every counter no declaration covers: {@code event} is its name. */
    public static final MetricFamily SERVICE_EVENTS = counter("netsvc_service_events",
            "a service's counters that have no family of their own (a third-party plugin's, for example)", "event");

    /** How long TCP connections lasted, from accept to close: every TCP engine records each one. */
    public static final MetricFamily CONNECTION_DURATION = new MetricFamily("netsvc_connection_duration_seconds",
            MetricFamily.Kind.HISTOGRAM, "how long connections lasted, from accept to close", List.of("transport"));
    /** How long one request took to answer: a framed request, an HTTP request, a datagram. */
    public static final MetricFamily REQUEST_DURATION = new MetricFamily("netsvc_request_duration_seconds",
            MetricFamily.Kind.HISTOGRAM, "time to answer one request (a framed request, an HTTP request, a datagram)",
            List.of("transport"));
    /** Every histogram a plugin declares with {@link Histogram#of}: {@code histogram} is its name. */
    public static final MetricFamily SERVICE_DURATIONS = new MetricFamily("netsvc_service_duration_seconds",
            MetricFamily.Kind.HISTOGRAM, "a service's own latency histograms (a third-party plugin's, for example)",
            List.of("histogram"));

    public static final List<MetricFamily> FAMILIES = List.of(CONNECTIONS_ACCEPTED, CONNECTIONS_ACTIVE,
            CONNECTIONS_REFUSED, CONNECTIONS_CLOSED, CONNECTIONS_FAILED, BACKPRESSURE_PAUSES, RECEIVED_BYTES, SENT_BYTES,
            REPLIES, DATAGRAMS_RECEIVED, DATAGRAMS_DROPPED, DATAGRAMS_FAILED, HTTP_REQUESTS_ANSWERED,
            HTTP_RESPONSES_BY_CLASS, TLS_CERTIFICATE_EXPIRY, TLS_HANDSHAKES, TLS_HANDSHAKE_FAILURES_BY_REASON,
            PROXY_REFUSED_BY_REASON, EXEC_STARTED, EXEC_START_FAILURES, EXEC_RUNNING, EXEC_ENDED, EXEC_KILLED,
            SERVICE_EVENTS, CONNECTION_DURATION, REQUEST_DURATION, SERVICE_DURATIONS);

    // ---- TCP: every engine (blocking, selector, NIO.2) ---------------------------------------------------

    /** Connections admitted and served (refused ones are not counted here). */
    public static final Counter TCP_ACCEPTED = new Counter("tcp.connections.accepted", tcp(CONNECTIONS_ACCEPTED));
    /** Connections open right now: incremented on admission, decremented on close (a gauge). */
    public static final Counter TCP_ACTIVE = new Counter("tcp.connections.active", tcp(CONNECTIONS_ACTIVE));
    /** Refusals by reason: {@code tcp.connections.refused.acl|per-source|rate}. */
    public static final Counter TCP_REFUSED = new Counter("tcp.connections.refused.",
            List.of(export(CONNECTIONS_REFUSED, "reason", "transport", "tcp")));
    /**
     * Times accepting paused because {@code max-connections} were open. The clients that arrive meanwhile
     * wait in the listen backlog and are served once a connection closes: none is turned away.
     */
    public static final Counter TCP_LIMIT_REACHED = Counter.of("tcp.connections.limit-reached");
    /** Connections closed because neither input nor output moved for the idle timeout. */
    public static final Counter TCP_IDLE_TIMEOUT = new Counter("tcp.connections.idle-timeout",
            List.of(export(CONNECTIONS_CLOSED, null, "transport", "tcp", "reason", "idle-timeout")));
    /** Connections that ended with an error other than the peer going away. */
    public static final Counter TCP_FAILED = new Counter("tcp.connections.failed", tcp(CONNECTIONS_FAILED));
    /**
     * Connections closed because their input passed a limit: a frame longer than its framing allows (every
     * engine), or a full read buffer the handler left unconsumed (the selector engine).
     */
    public static final Counter TCP_INPUT_LIMIT = new Counter("tcp.connections.input-limit",
            List.of(export(CONNECTIONS_CLOSED, null, "transport", "tcp", "reason", "input-limit")));
    /** Connections closed because their input could not be framed (it ended inside a length-prefixed frame). */
    public static final Counter TCP_MALFORMED = new Counter("tcp.connections.malformed",
            List.of(export(CONNECTIONS_CLOSED, null, "transport", "tcp", "reason", "malformed")));
    /** Selector engine: times a connection stopped reading because too much output waited for its peer. */
    public static final Counter TCP_BACKPRESSURE_PAUSES = new Counter("tcp.backpressure.pauses", tcp(BACKPRESSURE_PAUSES));
    /** accept() calls that failed (EMFILE, ENFILE, ...); the server backs off and retries. */
    public static final Counter TCP_ACCEPT_FAILED = Counter.of("tcp.accept.failed");
    /** Sources forgotten from the per-source rate table to keep it bounded. */
    public static final Counter TCP_SOURCES_FORGOTTEN = Counter.of("tcp.sources.forgotten");
    public static final Counter TCP_BYTES_RECEIVED = new Counter("tcp.bytes.received", tcp(RECEIVED_BYTES));
    public static final Counter TCP_BYTES_SENT = new Counter("tcp.bytes.sent", tcp(SENT_BYTES));
    /** An echo sends back every byte it receives and counts them once: both received and sent. */
    public static final Counter TCP_BYTES_ECHOED = new Counter("tcp.bytes.echoed", List.of(
            export(RECEIVED_BYTES, null, "transport", "tcp"), export(SENT_BYTES, null, "transport", "tcp")));
    /** Connection log lines not written: more than its rate, or its queue was full ({@code <id>.connection-log}). */
    public static final Counter TCP_CONNECTION_LOG_DROPPED = Counter.of("tcp.connection-log.dropped");
    /** Replies of the one-reply services (qotd, daytime, time) over TCP. */
    public static final Counter TCP_REPLIED = new Counter("tcp.replied", tcp(REPLIES));

    // ---- TLS and the PROXY protocol: every engine -------------------------------------------------------

    /** When the certificate of the running instance expires, in unix seconds (a gauge the engine sets). */
    public static final Counter TLS_CERTIFICATE_EXPIRES = new Counter("tls.certificate.expires",
            List.of(export(TLS_CERTIFICATE_EXPIRY, null)));
    /** Completed handshakes by version: {@code tls.handshakes.completed.tls1.3}. */
    public static final Counter TLS_HANDSHAKES_COMPLETED = new Counter("tls.handshakes.completed.",
            List.of(export(TLS_HANDSHAKES, "version", "outcome", "completed")));
    /** Failed handshakes by the version agreed before they failed: {@code tls.handshakes.failed.none}. */
    public static final Counter TLS_HANDSHAKES_FAILED = new Counter("tls.handshakes.failed.",
            List.of(export(TLS_HANDSHAKES, "version", "outcome", "failed")));
    /** Failed handshakes by reason: {@code tls.handshake-failures.timeout}. */
    public static final Counter TLS_HANDSHAKE_FAILURES = new Counter("tls.handshake-failures.",
            List.of(export(TLS_HANDSHAKE_FAILURES_BY_REASON, "reason")));
    /**
     * Connections the PROXY protocol refused, by reason: {@code proxy.refused.untrusted|malformed|timeout|closed}
     * (each is also {@code tcp.connections.refused.proxy}).
     */
    public static final Counter PROXY_REFUSED = new Counter("proxy.refused.", List.of(export(PROXY_REFUSED_BY_REASON, "reason")));
    /** Every TCP connection's duration, from admission to close (recorded by {@code AcceptPath}'s ticket). */
    public static final Histogram TCP_CONNECTION_SECONDS = new Histogram("tcp.connection.seconds", CONNECTION_DURATION,
            Map.of("transport", "tcp"), Histogram.CONNECTION_BUCKETS);
    /** A request over TCP, from the whole request to its reply: framed replies ({@code frame.Replies}), HTTP. */
    public static final Histogram TCP_REQUEST_SECONDS = new Histogram("tcp.request.seconds", REQUEST_DURATION,
            Map.of("transport", "tcp"), Histogram.REQUEST_BUCKETS);

    // ---- UDP: core's UdpServer and UdpGuard --------------------------------------------------------------

    public static final Counter UDP_RECEIVED = new Counter("udp.received", udp(DATAGRAMS_RECEIVED));
    public static final Counter UDP_REPLIED = new Counter("udp.replied", udp(REPLIES));
    public static final Counter UDP_FAILED = new Counter("udp.failed", udp(DATAGRAMS_FAILED));
    /** Drops by reason: {@code udp.dropped.loop}, {@code udp.dropped.rate-limit-source}, ... */
    public static final Counter UDP_DROPPED = new Counter("udp.dropped.",
            List.of(export(DATAGRAMS_DROPPED, "reason", "transport", "udp")));
    public static final Counter UDP_BYTES_RECEIVED = new Counter("udp.bytes.received", udp(RECEIVED_BYTES));
    public static final Counter UDP_BYTES_SENT = new Counter("udp.bytes.sent", udp(SENT_BYTES));
    /** Sources forgotten from the per-source rate tables to keep them bounded. */
    public static final Counter UDP_SOURCES_FORGOTTEN = Counter.of("udp.sources.forgotten");
    /** An admitted datagram, from its receipt to its reply sent (or not: the handler's decision). */
    public static final Histogram UDP_REQUEST_SECONDS = new Histogram("udp.request.seconds", REQUEST_DURATION,
            Map.of("transport", "udp"), Histogram.REQUEST_BUCKETS);

    // ---- HTTP: the http-raw plugin ------------------------------------------------------------------------

    public static final Counter HTTP_REQUESTS = new Counter("http.requests",
            List.of(export(HTTP_REQUESTS_ANSWERED, null)));
    /** Responses by status class: {@code http.responses.2xx} ... {@code http.responses.5xx}. */
    public static final Counter HTTP_RESPONSES = new Counter("http.responses.",
            List.of(export(HTTP_RESPONSES_BY_CLASS, "class")));
    /** Access log entries dropped because the writer fell behind. */
    public static final Counter HTTP_ACCESS_LOG_DROPPED = Counter.of("http.access-log.dropped");

    // ---- exec: the exec plugin's programs --------------------------------------------------------------

    /** Programs started. */
    public static final Counter EXEC_PROGRAMS_STARTED = new Counter("exec.started", List.of(export(EXEC_STARTED, null)));
    /** Programs that could not start: the client was closed at once, a datagram got no reply. */
    public static final Counter EXEC_PROGRAMS_NOT_STARTED = new Counter("exec.start-failed",
            List.of(export(EXEC_START_FAILURES, null)));
    /** Programs running now (a gauge). */
    public static final Counter EXEC_PROGRAMS_RUNNING = new Counter("exec.running", List.of(export(EXEC_RUNNING, null)));
    /**
     * Programs that ended, by reason: {@code exec.ended.exit} (on their own), {@code client-gone},
     * {@code connection-closed} (the idle timeout or the host closed it), {@code timeout}, {@code too-long}
     * (a UDP reply over its limit), {@code shutdown}.
     */
    public static final Counter EXEC_PROGRAMS_ENDED = new Counter("exec.ended.", List.of(export(EXEC_ENDED, "reason")));
    /** Programs whose process group SIGTERM did not end in time, so it got SIGKILL. */
    public static final Counter EXEC_PROGRAMS_KILLED = new Counter("exec.killed", List.of(export(EXEC_KILLED, null)));
    /** Lines of the programs' standard error written to the log, and those over the rate that were not. */
    public static final Counter EXEC_STDERR_LOGGED = Counter.of("exec.stderr.logged");
    public static final Counter EXEC_STDERR_DROPPED = Counter.of("exec.stderr.dropped");

    /** Every declared counter, in the order their exports are looked up. */
    public static final List<Counter> ALL = List.of(TCP_ACCEPTED, TCP_ACTIVE, TCP_REFUSED, TCP_LIMIT_REACHED,
            TCP_IDLE_TIMEOUT, TCP_FAILED, TCP_INPUT_LIMIT, TCP_MALFORMED, TCP_BACKPRESSURE_PAUSES, TCP_ACCEPT_FAILED,
            TCP_SOURCES_FORGOTTEN, TCP_BYTES_RECEIVED, TCP_BYTES_SENT, TCP_BYTES_ECHOED, TCP_REPLIED,
            TLS_CERTIFICATE_EXPIRES, TLS_HANDSHAKES_COMPLETED, TLS_HANDSHAKES_FAILED, TLS_HANDSHAKE_FAILURES, PROXY_REFUSED, UDP_RECEIVED,
            UDP_REPLIED, UDP_FAILED, UDP_DROPPED, UDP_BYTES_RECEIVED, UDP_BYTES_SENT, UDP_SOURCES_FORGOTTEN,
            TCP_CONNECTION_LOG_DROPPED, HTTP_REQUESTS, HTTP_RESPONSES, HTTP_ACCESS_LOG_DROPPED, EXEC_PROGRAMS_STARTED,
            EXEC_PROGRAMS_NOT_STARTED, EXEC_PROGRAMS_RUNNING, EXEC_PROGRAMS_ENDED, EXEC_PROGRAMS_KILLED,
            EXEC_STDERR_LOGGED, EXEC_STDERR_DROPPED);

    /** Every histogram core's engines and the shipped plugins keep. */
    public static final List<Histogram> HISTOGRAMS = List.of(TCP_CONNECTION_SECONDS, TCP_REQUEST_SECONDS,
            UDP_REQUEST_SECONDS);

    /**
     * Where the counter called {@code counterName} goes on {@code /metrics}: the families and labels of the
     * declaration that covers it, or {@link #SERVICE_EVENTS} with {@code event} = its name.
     */
    public static List<Counter.Target> targets(String counterName) {
        List<Counter.Target> targets = new ArrayList<>(2);
        for (Counter counter : ALL) {
            if (counter.covers(counterName)) {
                targets.addAll(counter.targets(counterName));
            }
        }
        if (targets.isEmpty()) {
            targets.add(new Counter.Target(SERVICE_EVENTS, Map.of("event", counterName)));
        }
        return targets;
    }

    private static MetricFamily counter(String name, String help, String... labels) {
        return new MetricFamily(name, MetricFamily.Kind.COUNTER, help, List.of(labels));
    }

    private static List<Counter.Export> tcp(MetricFamily family) {
        return List.of(export(family, null, "transport", "tcp"));
    }

    private static List<Counter.Export> udp(MetricFamily family) {
        return List.of(export(family, null, "transport", "udp"));
    }

    private static Counter.Export export(MetricFamily family, String restLabel, String... namesAndValues) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            labels.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new Counter.Export(family, labels, restLabel);
    }
}
