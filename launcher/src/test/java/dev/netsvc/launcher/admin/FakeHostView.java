package dev.netsvc.launcher.admin;

import dev.netsvc.core.Endpoint;
import dev.netsvc.core.Transport;

import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A host whose services the test sets; {@link #typical()} is four services in four situations. */
final class FakeHostView implements HostView {

    static final Instant STARTED = Instant.parse("2026-12-02T00:40:00Z");

    private volatile List<ServiceStatus> services;
    volatile boolean draining;
    volatile boolean alive = true;

    FakeHostView(List<ServiceStatus> services) {
        this.services = List.copyOf(services);
    }

    void set(List<ServiceStatus> services) {
        this.services = List.copyOf(services);
    }

    @Override
    public String version() {
        return "9.8.7";
    }

    @Override
    public Instant startedAt() {
        return STARTED;
    }

    @Override
    public List<ServiceStatus> services() {
        return services;
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public boolean alive() {
        return alive;
    }

    /** Three reloads applied, one refused. */
    @Override
    public Map<String, Long> reloads() {
        return Map.of("applied", 3L, "refused", 1L);
    }

    static Endpoint tcp(int port) {
        return new Endpoint(Transport.TCP, new InetSocketAddress("127.0.0.1", port));
    }

    static Endpoint udp(int port) {
        return new Endpoint(Transport.UDP, new InetSocketAddress("127.0.0.1", port));
    }

    /**
     * echo: running, restarted twice, TCP counters with refusals; qotd: running over UDP and TCP, drops;
     * http: in backoff with a reason full of markup; widget: a third-party plugin's service, disabled,
     * with a counter no table row knows.
     */
    static FakeHostView typical() {
        return new FakeHostView(List.of(
                new ServiceStatus("echo", "echo-blocking", "1.2.3", true, ServiceState.RUNNING, STARTED.plusSeconds(1), "",
                        Set.of(Transport.TCP), List.of(tcp(7007)), 2, Map.of(
                        "tcp.connections.accepted", 5L, "tcp.connections.active", 1L,
                        "tcp.connections.refused.acl", 3L, "tcp.connections.refused.per-source", 1L,
                        "tcp.connections.idle-timeout", 1L, "tcp.bytes.echoed", 1000L)),
                new ServiceStatus("http", "http-raw", "1.2.3", true, ServiceState.BACKOFF, STARTED.plusSeconds(2),
                        "port 8080 on 127.0.0.1 is already in use <script>alert(\"x\")</script> & more",
                        Set.of(Transport.TCP), List.of(), 0, Map.of(
                        "http.requests", 10L, "http.responses.2xx", 8L, "http.responses.4xx", 2L)),
                new ServiceStatus("qotd", "udp-qotd", "1.2.3", true, ServiceState.RUNNING, STARTED.plusSeconds(1), "",
                        Set.of(Transport.UDP, Transport.TCP), List.of(udp(1717), tcp(1717)), 0, Map.of(
                        "udp.received", 7L, "udp.replied", 6L, "udp.dropped.loop", 1L,
                        "udp.dropped.rate-limit-source", 2L, "tcp.connections.accepted", 4L, "tcp.replied", 4L)),
                new ServiceStatus("widget", "acme-widget", "0.9", false, ServiceState.STOPPED, STARTED, "",
                        Set.of(Transport.TCP), List.of(), 0, Map.of("widget.frobs", 9L))));
    }
}
