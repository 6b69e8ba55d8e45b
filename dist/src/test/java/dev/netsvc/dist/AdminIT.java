package dev.netsvc.dist;

import dev.netsvc.launcher.admin.HeadlessChromium;
import dev.netsvc.launcher.admin.PrometheusParser;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.EchoConformance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin endpoint of the distribution under known traffic: /metrics as Prometheus' own parser reads
 * it, counting exactly what the test sent; /healthz; /status; the page as Chromium renders it.
 */
class AdminIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> SHIPPED = List.of("daytime", "echo-async", "echo-blocking", "echo-selector", "http",
            "qotd", "time");

    private static HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(T).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String version() {
        return DistProcess.home().getFileName().toString().substring("netsvc-".length());
    }

    @Test
    void metricsCountTheTrafficSentAndThePageShowsEveryService() throws Exception {
        try (DistProcess netsvc = DistProcess.run("--enable", "echo-blocking,http,qotd", "--set", "echo-blocking.port=0",
                "--set", "http.port=0", "--set", "qotd.port=0", "--set", "admin.port=0")) {
            URI admin = netsvc.adminUri();
            assertEquals("127.0.0.1", admin.getHost());

            // echo: three connections, 5 + 100 + 1000 bytes
            InetSocketAddress echo = new InetSocketAddress(InetAddress.getLoopbackAddress(), netsvc.port("echo-blocking", "tcp"));
            int echoed = 0;
            for (int size : new int[] {5, 100, 1000}) {
                byte[] data = new byte[size];
                java.util.Arrays.fill(data, (byte) 'e');
                assertArrayEquals(data, EchoConformance.roundTrip(echo, data));
                echoed += size;
            }
            // http: four pages found and two not, one connection each
            int http = netsvc.port("http", "tcp");
            for (int i = 0; i < 4; i++) {
                assertTrue(httpGet(http, "/").startsWith("HTTP/1.1 200 "));
            }
            for (int i = 0; i < 2; i++) {
                assertTrue(httpGet(http, "/no-such-page").startsWith("HTTP/1.1 404 "));
            }
            // qotd: three datagrams, three quotes
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                udp.setSoTimeout(5000);
                for (int i = 0; i < 3; i++) {
                    udp.send(new DatagramPacket(new byte[0], 0, InetAddress.getLoopbackAddress(), netsvc.port("qotd", "udp")));
                    DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
                    udp.receive(reply);
                    assertTrue(reply.getLength() > 0, "a quote");
                }
            }
            // the services count just after they answer: wait until /status shows the last counts
            String bytes = "\"tcp.bytes.echoed\":" + echoed;
            Await.until(T, () -> "the counters to catch up: " + status(admin), () -> {
                String s = status(admin);
                return s.contains(bytes) && s.contains("\"http.responses.4xx\":2") && s.contains("\"udp.replied\":3");
            });
            // a connection's duration is recorded when the server closes it, just after the client read its echo
            String closed = "netsvc_connection_duration_seconds_count{service=\"echo-blocking\",transport=\"tcp\"} 3\n";
            Await.until(T, "the three echo connections closed: " + closed, () -> page(admin, "metrics").contains(closed));

            HttpResponse<String> scrape = get(admin, "metrics");
            assertEquals(200, scrape.statusCode());
            PrometheusParser.Metrics m = PrometheusParser.parse(scrape.body());
            assertEquals(3, m.value("netsvc_connections_accepted_total", "service", "echo-blocking", "transport", "tcp"));
            assertEquals(echoed, m.value("netsvc_received_bytes_total", "service", "echo-blocking", "transport", "tcp"));
            assertEquals(echoed, m.value("netsvc_sent_bytes_total", "service", "echo-blocking", "transport", "tcp"));
            assertEquals(6, m.value("netsvc_connections_accepted_total", "service", "http", "transport", "tcp"));
            assertEquals(6, m.value("netsvc_http_requests_total", "service", "http"));
            assertEquals(4, m.value("netsvc_http_responses_total", "service", "http", "class", "2xx"));
            assertEquals(2, m.value("netsvc_http_responses_total", "service", "http", "class", "4xx"));
            assertEquals(0, m.value("netsvc_http_responses_total", "service", "http", "class", "5xx"));
            assertEquals(3, m.value("netsvc_datagrams_received_total", "service", "qotd", "transport", "udp"));
            assertEquals(3, m.value("netsvc_replies_total", "service", "qotd", "transport", "udp"));
            assertEquals(0, m.value("netsvc_datagrams_dropped_total", "service", "qotd", "transport", "udp", "reason", "loop"));
            // latency histograms: one duration per connection, per HTTP request, per datagram
            assertEquals("histogram", m.types().get("netsvc_request_duration_seconds"));
            assertEquals(3, m.value("netsvc_connection_duration_seconds_count", "service", "echo-blocking", "transport", "tcp"));
            assertEquals(3, m.value("netsvc_connection_duration_seconds_bucket", "service", "echo-blocking", "transport", "tcp",
                    "le", "+Inf"));
            assertEquals(6, m.value("netsvc_request_duration_seconds_count", "service", "http", "transport", "tcp"));
            assertEquals(3, m.value("netsvc_request_duration_seconds_count", "service", "qotd", "transport", "udp"));
            for (String id : List.of("echo-blocking", "http", "qotd")) {
                assertEquals(1, m.value("netsvc_service_state", "service", id, "state", "running"), id);
                assertEquals(0, m.value("netsvc_service_restarts_total", "service", id), id);
            }
            assertEquals(1, m.value("netsvc_service_state", "service", "time", "state", "stopped"));
            assertEquals(0, m.value("netsvc_service_enabled", "service", "time"));
            assertEquals(1, m.value("netsvc_service_info", "service", "http", "plugin", "http-raw", "version", version()));
            assertEquals(1, m.value("netsvc_build_info", "version", version()));
            assertTrue(m.types().containsKey("jvm_threads_current") && m.types().containsKey("process_cpu_seconds"),
                    "JVM and process metrics: " + m.types().keySet());

            HttpResponse<String> health = get(admin, "healthz");
            assertEquals(200, health.statusCode(), health.body());
            assertEquals("ok\n", health.body());

            List<HeadlessChromium.Row> rows = HeadlessChromium.rows(HeadlessChromium.dumpDom(admin));
            assertEquals(SHIPPED, rows.stream().map(HeadlessChromium.Row::service).toList(), rows::toString);
            for (HeadlessChromium.Row row : rows) {
                String expected = List.of("echo-blocking", "http", "qotd").contains(row.service()) ? "running" : "stopped";
                assertEquals(row.service(), row.cells().get(0));
                assertTrue(row.cells().get(1).startsWith(expected), row + " shows " + expected);
            }
            HeadlessChromium.Row echoRow = rows.get(SHIPPED.indexOf("echo-blocking"));
            assertEquals("3", echoRow.cells().get(5), "connections total: " + echoRow);
            assertEquals("tcp 127.0.0.1:" + echo.getPort(), echoRow.cells().get(3));
        }
    }

    @Test
    void healthzNamesAServiceThatFailedAndTheAdminEndpointIgnoresBind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            DistProcess netsvc = DistProcess.run("--bind", "::1", "--enable", "echo-blocking,http",
                    "--set", "echo-blocking.port=" + taken.getLocalPort(), "--set", "http.port=0");
            try (netsvc) {
                URI admin = netsvc.adminUri();
                assertEquals("127.0.0.1", admin.getHost(), "--bind does not move the admin endpoint");
                // the supervisor retries the port: between its tries the service is in backoff, with the cause
                String backoff = "echo-blocking: backoff (port " + taken.getLocalPort() + " on ::1 is already in use by another process";
                @SuppressWarnings("unchecked") HttpResponse<String>[] last = new HttpResponse[1];
                Await.until(T, "healthz names the service in backoff", () -> {
                    try {
                        last[0] = get(admin, "healthz");
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    return last[0].body().startsWith(backoff);
                });
                HttpResponse<String> health = last[0];
                assertEquals(503, health.statusCode(), health.body());
                assertEquals(1, health.body().lines().count(), "one line per service that is not running: " + health.body());
                assertFalse(health.body().contains("http"), health.body());
            }
        }
    }

    @Test
    void anAdminPortInUseIsOneErrorLineAndTheServicesRunOn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            try (DistProcess netsvc = DistProcess.run("--enable", "echo-blocking", "--set", "echo-blocking.port=0",
                    "--set", "admin.port=" + taken.getLocalPort())) {
                assertTrue(netsvc.stderrText().contains("admin endpoint failed to start: port " + taken.getLocalPort()
                        + " on 127.0.0.1 is already in use by another process"), netsvc::output);
                assertFalse(netsvc.stderrText().contains("\tat "), () -> "no stack trace\n" + netsvc.output());
                InetSocketAddress echo = new InetSocketAddress(InetAddress.getLoopbackAddress(), netsvc.port("echo-blocking", "tcp"));
                assertArrayEquals("still here".getBytes(StandardCharsets.US_ASCII),
                        EchoConformance.roundTrip(echo, "still here".getBytes(StandardCharsets.US_ASCII)));
                assertEquals(0, netsvc.terminate(T), netsvc::output);
            }
        }
        try (DistProcess off = DistProcess.run("--enable", "echo-blocking", "--set", "echo-blocking.port=0",
                "--set", "admin.enabled=false")) {
            assertFalse(off.stderrText().contains("admin"), off::output);
        }
    }

    private static String status(URI admin) {
        return page(admin, "status");
    }

    private static String page(URI admin, String path) {
        try {
            return get(admin, path).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    /** One GET on its own connection (closed after the response); returns the whole response. */
    private static String httpGet(int port, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
