package dev.netsvc.launcher.admin;

import dev.netsvc.core.internal.BindFailure;
import dev.netsvc.core.net.SocketErrors;

import dev.netsvc.launcher.supervisor.ServiceStatus;
import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.netsvc.launcher.admin.HeadlessChromium.Row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin endpoint on a real port over loopback, read by real clients: the JDK's, Prometheus' parser, Chromium. */
class AdminServerTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final FakeHostView view = FakeHostView.typical();
    private AdminServer admin;

    @AfterEach
    void close() {
        if (admin != null) {
            admin.close();
        }
    }

    private URI start(HostView v) throws IOException {
        admin = AdminServer.start(v, ANY_PORT);
        assertTrue(admin.address().getPort() > 0, "port 0 became a real port");
        return URI.create("http://127.0.0.1:" + admin.address().getPort() + "/");
    }

    private static HttpResponse<String> send(URI base, String method, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsParseWithPrometheusOwnParserAndCarryTheServicesCounters() throws Exception {
        URI base = start(view);
        HttpResponse<String> r = send(base, "GET", "/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        PrometheusParser.Metrics m = PrometheusParser.parse(r.body());

        assertEquals("counter", m.types().get("netsvc_connections_accepted"));
        assertEquals("gauge", m.types().get("netsvc_connections_active"));
        assertEquals(5, m.value("netsvc_connections_accepted_total", "service", "echo", "transport", "tcp"));
        assertEquals(4, m.value("netsvc_connections_accepted_total", "service", "qotd", "transport", "tcp"));
        assertEquals(1, m.value("netsvc_connections_active", "service", "echo", "transport", "tcp"));
        assertEquals(3, m.value("netsvc_connections_refused_total", "service", "echo", "transport", "tcp", "reason", "acl"));
        assertEquals(1, m.value("netsvc_connections_refused_total", "service", "echo", "transport", "tcp", "reason", "per-source"));
        assertEquals(1, m.value("netsvc_connections_closed_total", "service", "echo", "transport", "tcp", "reason", "idle-timeout"));
        assertEquals(1000, m.value("netsvc_received_bytes_total", "service", "echo", "transport", "tcp"));
        assertEquals(1000, m.value("netsvc_sent_bytes_total", "service", "echo", "transport", "tcp"));
        assertEquals(7, m.value("netsvc_datagrams_received_total", "service", "qotd", "transport", "udp"));
        assertEquals(6, m.value("netsvc_replies_total", "service", "qotd", "transport", "udp"));
        assertEquals(4, m.value("netsvc_replies_total", "service", "qotd", "transport", "tcp"));
        assertEquals(1, m.value("netsvc_datagrams_dropped_total", "service", "qotd", "transport", "udp", "reason", "loop"));
        assertEquals(2, m.value("netsvc_datagrams_dropped_total", "service", "qotd", "transport", "udp", "reason", "rate-limit-source"));
        assertEquals(10, m.value("netsvc_http_requests_total", "service", "http"));
        assertEquals(8, m.value("netsvc_http_responses_total", "service", "http", "class", "2xx"));
        assertEquals(2, m.value("netsvc_http_responses_total", "service", "http", "class", "4xx"));
        assertEquals(9, m.value("netsvc_service_events_total", "service", "widget", "event", "widget.frobs"));

        assertEquals(2, m.value("netsvc_service_restarts_total", "service", "echo"));
        assertEquals(1, m.value("netsvc_service_state", "service", "echo", "state", "running"));
        assertEquals(0, m.value("netsvc_service_state", "service", "echo", "state", "backoff"));
        assertEquals(1, m.value("netsvc_service_state", "service", "http", "state", "backoff"));
        assertEquals(0, m.value("netsvc_service_state", "service", "http", "state", "running"));
        assertEquals(1, m.value("netsvc_service_state", "service", "widget", "state", "stopped"));
        assertEquals(0, m.value("netsvc_service_enabled", "service", "widget"));
        assertEquals(1, m.value("netsvc_service_info", "service", "widget", "plugin", "acme-widget", "version", "0.9"));
        assertEquals(1, m.value("netsvc_build_info", "version", "9.8.7"));
        assertEquals(3, m.value("netsvc_reloads_total", "outcome", "applied"));
        assertEquals(1, m.value("netsvc_reloads_total", "outcome", "refused"));
        assertEquals(0, m.value("netsvc_reloads_total", "outcome", "failed"));
        assertEquals(FakeHostView.STARTED.getEpochSecond(), m.value("netsvc_start_time_seconds"));
        assertEquals(FakeHostView.STARTED.getEpochSecond() + 2,
                m.value("netsvc_service_state_timestamp_seconds", "service", "http"));

        assertTrue(m.types().keySet().stream().anyMatch(n -> n.startsWith("jvm_memory")), "JVM metrics: " + m.types().keySet());
        assertTrue(m.types().containsKey("process_cpu_seconds"), "process metrics: " + m.types().keySet());
        for (String family : m.types().keySet()) {
            if (family.startsWith("netsvc_") && m.types().get(family).equals("counter")) {
                assertTrue(m.samples().keySet().stream().filter(k -> k.startsWith(family)).allMatch(k -> k.startsWith(family + "_total{")),
                        family + " samples end in _total");
            }
        }
    }

    @Test
    void metricsAreReadAtScrapeTime() throws Exception {
        URI base = start(view);
        assertEquals(5, PrometheusParser.parse(send(base, "GET", "/metrics").body())
                .value("netsvc_connections_accepted_total", "service", "echo", "transport", "tcp"));
        ServiceStatus echo = view.services().get(0);
        view.set(List.of(new ServiceStatus(echo.id(), echo.pluginId(), echo.pluginVersion(), true, echo.state(), echo.since(),
                "", echo.transports(), echo.endpoints(), echo.restarts(), Map.of("tcp.connections.accepted", 6L))));
        assertEquals(6, PrometheusParser.parse(send(base, "GET", "/metrics").body())
                .value("netsvc_connections_accepted_total", "service", "echo", "transport", "tcp"));
    }

    @Test
    void healthzIs503NamingWhatIsNotRunningThen200() throws Exception {
        URI base = start(view);
        HttpResponse<String> sick = send(base, "GET", "/healthz");
        assertEquals(503, sick.statusCode());
        assertTrue(sick.body().startsWith("http: backoff (port 8080 on 127.0.0.1 is already in use"), sick.body());
        assertFalse(sick.body().contains("widget"), "a disabled service is not unhealthy: " + sick.body());

        view.set(view.services().stream().filter(s -> !s.id().equals("http")).toList());
        HttpResponse<String> well = send(base, "GET", "/healthz");
        assertEquals(200, well.statusCode());
        assertEquals("ok\n", well.body());
    }

    @Test
    void readyzSaysDrainingAndLivezOnlyAWedgedLoop() throws Exception {
        view.set(view.services().stream().filter(s -> !s.id().equals("http")).toList());
        URI base = start(view);
        assertEquals(200, send(base, "GET", "/readyz").statusCode());
        view.draining = true;
        HttpResponse<String> draining = send(base, "GET", "/readyz");
        assertEquals(503, draining.statusCode());
        assertTrue(draining.body().startsWith("draining: netsvc stops soon"), draining.body());
        assertEquals(200, send(base, "GET", "/healthz").statusCode(), "healthz says what runs, not what is coming");

        HttpResponse<String> live = send(base, "GET", "/livez");
        assertEquals(200, live.statusCode());
        assertEquals("ok\n", live.body());
        view.set(FakeHostView.typical().services()); // http in backoff: not ready, but alive
        assertEquals(503, send(base, "GET", "/healthz").statusCode());
        assertEquals(200, send(base, "GET", "/livez").statusCode(), "a backoff never restarts the pod");
        view.alive = false;
        HttpResponse<String> wedged = send(base, "GET", "/livez");
        assertEquals(503, wedged.statusCode());
        assertTrue(wedged.body().contains("the host is wedged"), wedged.body());
    }

    @Test
    void statusIsJsonThatPythonReadsBackExactly() throws Exception {
        URI base = start(view);
        HttpResponse<String> r = send(base, "GET", "/status");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        ExternalTool.Output out = ExternalTool.run(Duration.ofSeconds(30), r.body(), List.of(PrometheusParser.python().toString(), "-c",
                "import json,sys; d=json.load(sys.stdin); print(len(d['services'])); "
                        + "print(d['services'][1]['reason']); print(d['services'][0]['counters']['tcp.bytes.echoed'])"));
        assertEquals(0, out.exitCode(), out::toString);
        assertEquals(List.of("4", view.services().get(1).reason(), "1000"), out.stdout().lines().toList());
    }

    @Test
    void statusPageRenderedByChromiumShowsEveryServiceAndItsState() throws Exception {
        URI base = start(view);
        String dom = HeadlessChromium.dumpDom(base);
        List<Row> rows = HeadlessChromium.rows(dom);
        assertEquals(List.of("echo", "http", "qotd", "widget"), rows.stream().map(Row::service).toList(), dom);
        for (Row row : rows) {
            ServiceStatus s = view.services().stream().filter(x -> x.id().equals(row.service())).findFirst().orElseThrow();
            assertEquals(s.id(), row.cells().get(0), dom);
            assertTrue(row.cells().get(1).startsWith(s.state().label()), row + " shows state " + s.state().label());
            assertEquals(s.pluginId(), row.cells().get(8), row.toString());
            assertEquals(s.pluginVersion(), row.cells().get(9), row.toString());
        }
        Row echo = rows.get(0);
        assertEquals("tcp 127.0.0.1:7007", echo.cells().get(3));
        assertEquals(List.of("1", "5", "", "2"), echo.cells().subList(4, 8), "connections now, total, datagrams, restarts");
        Row http = rows.get(1);
        assertTrue(http.cells().get(1).contains("<script>alert(\"x\")</script> & more"), "the reason shows as text: " + http);
        assertFalse(dom.contains("<script>"), "no script element came from the reason");
        assertTrue(rows.get(3).cells().get(1).contains("(disabled)"), rows.get(3).toString());
    }

    @Test
    void onlyGetAndHeadOnKnownPaths() throws Exception {
        URI base = start(view);
        HttpResponse<String> post = send(base, "POST", "/status");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertEquals(405, send(base, "DELETE", "/").statusCode());

        HttpResponse<String> head = send(base, "HEAD", "/status");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        long length = Long.parseLong(head.headers().firstValue("Content-Length").orElse("-1"));
        assertEquals(send(base, "GET", "/status").body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, length);

        HttpResponse<String> missing = send(base, "GET", "/nope");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("/metrics"), missing.body());
    }

    @Test
    void clientsThatStopHalfWayThroughARequestAreCutOffAndOthersAreServed() throws Exception {
        URI base = start(view);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < AdminServer.THREADS; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), admin.address().getPort());
                s.getOutputStream().write("GET /status HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                stalled.add(s);
            }
            Await.until(Duration.ofSeconds(10), "every request thread waits on a half-sent request",
                    () -> admin.busyThreads() == AdminServer.THREADS);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/healthz")).timeout(Duration.ofSeconds(60))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode(), "served once the stalled requests were cut off");
            for (Socket s : stalled) {
                s.setSoTimeout(60_000);
                assertEquals(-1, s.getInputStream().read(), "a stalled request's connection is closed without a response");
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aViewThatThrowsGets500AndTheServerServesOn() throws Exception {
        boolean[] broken = {true};
        HostView flaky = new HostView() {
            public String version() {
                return "1";
            }

            public Instant startedAt() {
                return FakeHostView.STARTED;
            }

            public List<ServiceStatus> services() {
                if (broken[0]) {
                    throw new IllegalStateException("view is broken");
                }
                return List.of();
            }
        };
        URI base = start(flaky);
        HttpResponse<String> r = send(base, "GET", "/status");
        assertEquals(500, r.statusCode());
        assertTrue(r.body().contains("view is broken"), r.body());
        broken[0] = false;
        assertEquals(200, send(base, "GET", "/status").statusCode());
    }

    @Test
    void aPortInUseIsABindFailureNamingThePort() throws Exception {
        start(view);
        InetSocketAddress taken = admin.address();
        BindFailure e = assertThrows(BindFailure.class, () -> AdminServer.start(view, taken));
        assertEquals("port " + taken.getPort() + " on 127.0.0.1 is already in use by another process (tcp)",
                SocketErrors.explain(e, null).message());
    }

    @Test
    void closeReleasesThePortAndEndsTheThreads() throws Exception {
        URI base = start(view);
        assertEquals(200, send(base, "GET", "/").statusCode());
        admin.close();
        assertThrows(ConnectException.class, () -> send(base, "GET", "/"));
        Await.until(Duration.ofSeconds(5), "admin threads end", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("netsvc-admin-") && t.isAlive()));
        admin = null;
    }
}
