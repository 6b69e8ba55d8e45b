package dev.netsvc.dist;

import dev.netsvc.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several instances of netsvc, as operators run them behind a balancer or on one port: the drain before
 * the stop ({@code netsvc.shutdown-drain-delay}, {@code /readyz}, {@code /livez}) and {@code ID.reuse-port}
 * with an instance stopped under load.
 */
class ManyInstancesIT {

    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void aDrainServesOnWhileReadinessSaysGoAndTellsKeepAliveClientsToLeave() throws Exception {
        Path www = site();
        try (DistProcess host = DistProcess.run("--enable", "http", "--set", "http.port=0", "--set", "http.root=" + www,
                "--set", "netsvc.shutdown-drain-delay=3s");
             Socket kept = new Socket(InetAddress.getLoopbackAddress(), host.port("http", "tcp"))) {
            URI admin = host.adminUri();
            assertEquals(200, status(admin.resolve("readyz")));
            assertTrue(request(kept).contains("HTTP/1.1 200"), "served before the stop");

            host.signal("TERM");
            host.awaitLine(T, Pattern.compile("netsvc draining on SIGTERM"));
            assertEquals(503, status(admin.resolve("readyz")), "readiness says go first");
            assertTrue(body(admin.resolve("readyz")).contains("draining"));
            assertEquals(200, status(admin.resolve("livez")), "alive all the same");
            String last = request(kept);
            assertTrue(last.contains("HTTP/1.1 200") && last.contains("Connection: close"),
                    "a keep-alive client is told to leave:\n" + last);
            try (Socket late = new Socket(InetAddress.getLoopbackAddress(), host.port("http", "tcp"))) {
                assertTrue(request(late).contains("HTTP/1.1 200"), "a client arriving while the balancer catches up is served");
            }
            assertEquals(0, host.awaitExit(T));
            assertTrue(host.output().contains("netsvc stopping after the drain"), host.output());
        }
    }

    /**
     * Two instances on one port with SO_REUSEPORT, in a network namespace of the test's own where
     * {@code net.ipv4.tcp_migrate_req=1} (without it Linux resets what waits in a closed listener's queue):
     * one stopped gracefully while {@code ab} and {@code ab -k} run; no request fails.
     */
    @Test
    void twoInstancesShareAPortAndOneStopsUnderLoadFailingNoRequest() throws Exception {
        String ab = Tools.require("ab");
        Path www = site();
        try (NetNamespace ns = NetNamespace.create("net.ipv4.tcp_migrate_req=1")) {
            String[] args = {"--enable", "http", "--set", "http.port=8080", "--set", "http.reuse-port=true",
                    "--set", "http.root=" + www, "--set", "netsvc.shutdown-drain-delay=2s"};
            try (DistProcess first = DistProcess.launchUnder(ns.wrapper(), args);
                 DistProcess second = DistProcess.launchUnder(ns.wrapper(), args)) {
                first.awaitReady(T);
                second.awaitReady(T);
                // enough requests to outlast the drain and the stop on a fast machine (ab -k does ~14,000 a second there)
                Process plain = ns.process(ab, "-n", "60000", "-c", "10", "http://127.0.0.1:8080/index.html").start();
                Process kept = ns.process(ab, "-k", "-n", "200000", "-c", "10", "http://127.0.0.1:8080/index.html").start();
                Output plainOut = Output.of(plain);
                Output keptOut = Output.of(kept);
                Await.until(T, "both instances serving", () -> accepted(ns, first) > 200 && accepted(ns, second) > 200);

                first.signal("TERM");
                assertEquals(0, first.awaitExit(T), first.output());
                boolean underLoad = plain.isAlive() && kept.isAlive();
                assertTrue(plain.waitFor(120, TimeUnit.SECONDS) && kept.waitFor(120, TimeUnit.SECONDS), "ab finished");
                assertTrue(underLoad, "the stop came while both ab runs were going:\n" + plainOut.text() + keptOut.text());
                assertAllServed(plainOut.text(), 60000, second);
                assertAllServed(keptOut.text(), 200000, second);
                assertTrue(second.isAlive(), "the other instance serves on");
            }
        }
    }

    private static void assertAllServed(String ab, int requests, DistProcess host) {
        assertTrue(ab.contains("Complete requests:      " + requests) && ab.contains("Failed requests:        0")
                && !ab.contains("Non-2xx responses"), () -> ab + "\n--- netsvc\n" + host.output());
    }

    private static final Pattern ACCEPTED = Pattern.compile("\"tcp.connections.accepted\":(\\d+)");

    // read through curl in the namespace: the admin endpoint listens there
    private static long accepted(NetNamespace ns, DistProcess host) {
        String status = ns.run("curl", "-s", host.adminUri().resolve("status").toString()).stdout();
        Matcher m = ACCEPTED.matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private Path site() throws IOException {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "one of many\n");
        return www;
    }

    /** One keep-alive GET on {@code socket}; the response's head and body (the body is 12 bytes). */
    private static String request(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        for (int i = 0; i < 64 * 1024 && !response.toString(StandardCharsets.US_ASCII).endsWith("one of many\n"); i++) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            response.write(b);
        }
        return response.toString(StandardCharsets.US_ASCII);
    }

    private static int status(URI uri) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String body(URI uri) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A process's output, read on a thread of its own so that it never blocks on a full pipe. */
    private record Output(Thread reader, ByteArrayOutputStream bytes) {
        static Output of(Process p) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(bytes);
                } catch (IOException e) {
                    // the process is gone; what was read stays
                }
            });
            return new Output(reader, bytes);
        }

        String text() throws InterruptedException {
            reader.join(T);
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
