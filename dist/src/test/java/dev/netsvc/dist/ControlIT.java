package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A running host controlled through its socket: status, start, stop, restart, reload. */
class ControlIT {

    private static final Duration T = Duration.ofSeconds(30);

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Test
    void statusUnderLoadShowsEveryServiceWhileEchoClientsStream() throws Exception {
        try (DistProcess netsvc = DistProcess.run("--enable", "echo-blocking,echo-selector", "--set", "echo-blocking.port=0",
                "--set", "echo-selector.port=0")) {
            int port = netsvc.port("echo-blocking", "tcp");
            AtomicBoolean go = new AtomicBoolean(true);
            AtomicLong echoed = new AtomicLong();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                clients.add(Thread.ofPlatform().daemon(true).start(() -> stream(port, go, echoed)));
            }
            try {
                for (int i = 0; i < 5; i++) {
                    long before = echoed.get();
                    DistProcess.Result status = netsvc.control("status");
                    assertEquals(0, status.exitCode(), status::toString);
                    List<String> lines = status.stdout().lines().toList();
                    assertTrue(lines.get(0).matches("ID +STATE +ENDPOINTS +CONN NOW/TOTAL +RESTARTS +PLUGIN +SINCE"), status::toString);
                    String row = lines.stream().filter(l -> l.startsWith("echo-blocking ")).findFirst().orElseThrow();
                    assertTrue(row.matches("echo-blocking +running +tcp 127\\.0\\.0\\.1:" + port + " +\\S+/(8|9|1\\d) +0 +echo-blocking \\S+ +\\d+s"),
                            () -> row + "\n" + status);
                    assertTrue(status.stdout().contains("echo-selector "), status::toString);
                    assertTrue(lines.stream().anyMatch(l -> l.matches("qotd +stopped \\(disabled\\).*")), status::toString);
                    dev.netsvc.testkit.Await.until(T, "echo traffic goes on during status", () -> echoed.get() > before);
                }
                DistProcess.Result json = netsvc.control("status", "--json");
                assertEquals(0, json.exitCode(), json::toString);
                assertTrue(json.stdout().startsWith("{\"version\":\""), json::toString);
                assertTrue(json.stdout().matches("(?s).*\"id\":\"echo-blocking\",[^}]*\"enabled\":true,\"state\":\"running\".*"), json::toString);
                assertTrue(json.stdout().contains("{\"transport\":\"tcp\",\"address\":\"127.0.0.1\",\"port\":" + port + ",\"fromServiceManager\":false}"), json::toString);
            } finally {
                go.set(false);
                for (Thread t : clients) {
                    t.join(Duration.ofSeconds(10));
                }
            }
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    private static void stream(int port, AtomicBoolean go, AtomicLong echoed) {
        byte[] chunk = new byte[4096];
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            while (go.get()) {
                out.write(chunk);
                int got = 0;
                while (got < chunk.length) {
                    int n = in.read(chunk, got, chunk.length - got);
                    if (n < 0) {
                        return;
                    }
                    got += n;
                }
                echoed.addAndGet(got);
            }
        } catch (IOException e) {
            // the host is stopping
        }
    }

    @Test
    void startStopRestartActOnTheRunningHostAndUnknownIdsAreUsageErrors() throws Exception {
        try (DistProcess netsvc = DistProcess.run("--enable", "echo-blocking,echo-async", "--set", "echo-blocking.port=0",
                "--set", "echo-async.port=0", "--set", "qotd.port=0")) {
            int port = netsvc.port("echo-async", "tcp");
            DistProcess.Result unknown = netsvc.control("stop", "echo-asnyc");
            assertEquals(2, unknown.exitCode(), unknown::toString);
            assertTrue(unknown.stderr().contains("no service is called 'echo-asnyc'; did you mean echo-async?"), unknown::toString);
            assertTrue(unknown.stderr().contains("Services: daytime, echo-async, echo-blocking"), unknown::toString);

            DistProcess.Result stop = netsvc.control("stop", "echo-async");
            assertEquals(0, stop.exitCode(), stop::toString);
            assertEquals("echo-async: stopped", stop.stdout().strip());
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
            LauncherIT.assertEcho(loopback(netsvc.port("echo-blocking", "tcp")), "the others run on");
            HttpResponse<String> down = healthz(netsvc);
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().startsWith("echo-async: stopped"), down.body());

            DistProcess.Result start = netsvc.control("start", "echo-async", "qotd");
            assertEquals(0, start.exitCode(), start::toString);
            assertTrue(start.stdout().contains("echo-async: running") && start.stdout().contains("qotd: running"), start::toString);
            LauncherIT.assertEcho(loopback(netsvc.port("echo-async", "tcp")), "started again");
            HttpResponse<String> up = healthz(netsvc);
            assertEquals(200, up.statusCode(), up.body());

            DistProcess.Result restart = netsvc.control("restart", "echo-blocking");
            assertEquals(0, restart.exitCode(), restart::toString);
            netsvc.awaitLines(T, Pattern.compile("echo-blocking listening on tcp"), 2);
            LauncherIT.assertEcho(loopback(netsvc.port("echo-blocking", "tcp")), "restarted");

            DistProcess.Result none = netsvc.control("restart");
            assertEquals(2, none.exitCode(), none::toString);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    private static HttpResponse<String> healthz(DistProcess netsvc) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(netsvc.adminUri().resolve("healthz")).timeout(T).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void noHostRunningIsOneLineAndExitOne(@TempDir Path tmp) {
        Path socket = tmp.resolve("absent.sock");
        for (String command : new String[] {"status", "reload"}) {
            DistProcess.Result r = DistProcess.exec(T, command, "--admin-socket", socket.toString());
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals("no netsvc is running at " + socket + "; start one with netsvc run", r.stderr().strip());
        }
    }

    @Test
    void theSocketIsOwnerOnlyAStaleOneIsReplacedAndALiveOneRefused(@TempDir Path tmp) throws Exception {
        Path socket = tmp.resolve("ctl").resolve("netsvc.sock");
        String[] args = {"--enable", "echo-blocking", "--set", "echo-blocking.port=0", "--set", "admin.socket=" + socket};
        DistProcess first = DistProcess.run(args);
        try {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            DistProcess second = DistProcess.launch(args);
            assertEquals(1, second.awaitExit(T), second::output);
            assertTrue(second.stderrText().contains("another netsvc is running with control socket " + socket), second::output);
            assertTrue(first.isAlive());
            assertEquals(0, DistProcess.exec(T, "status", "--admin-socket", socket.toString()).exitCode(),
                    "the first host still answers");
        } finally {
            first.killHard();
        }
        assertTrue(Files.exists(socket), "a killed host leaves its socket behind");
        DistProcess.Result stale = DistProcess.exec(T, "status", "--admin-socket", socket.toString());
        assertEquals(1, stale.exitCode(), stale::toString);
        assertTrue(stale.stderr().contains("no netsvc is running at " + socket), stale::toString);
        try (DistProcess third = DistProcess.run(args)) {
            DistProcess.Result status = DistProcess.exec(T, "status", "--admin-socket", socket.toString());
            assertEquals(0, status.exitCode(), status::toString);
            assertEquals(0, third.terminate(T), third::output);
        }
        assertTrue(Files.notExists(socket), "a host that stops removes its socket");
    }

    @Test
    void reloadMovesAServiceToAnotherPortAndRefusesABadFileWhole(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("netsvc.properties");
        String others = "echo-selector.enabled=false\necho-async.enabled=false\nqotd.enabled=false\n"
                + "daytime.enabled=false\ntime.enabled=false\nhttp.enabled=false\n";
        Files.writeString(conf, others + "echo-blocking.port=0\n");
        try (DistProcess netsvc = DistProcess.run("--config", conf.toString())) {
            int before = netsvc.port("echo-blocking", "tcp");
            int after = freePort();
            Files.writeString(conf, others + "echo-blocking.port=" + after + "\nqotd.enabled=true\nqotd.port=0\n");
            DistProcess.Result reload = netsvc.control("reload");
            assertEquals(0, reload.exitCode(), reload::toString);
            assertTrue(reload.stdout().contains("echo-blocking: moved from tcp 127.0.0.1:" + before + " to tcp 127.0.0.1:" + after),
                    reload::toString);
            assertTrue(reload.stdout().contains("qotd: started (enabled)"), reload::toString);
            assertEquals(after, netsvc.port("echo-blocking", "tcp"));
            LauncherIT.assertEcho(loopback(after), "on the new port");
            dev.netsvc.testkit.Await.until(T, "the old port closed once its instance drained", () -> {
                try {
                    new Socket(InetAddress.getLoopbackAddress(), before).close();
                    return false;
                } catch (IOException e) {
                    return e instanceof ConnectException;
                }
            });

            Files.writeString(conf, others + "echo-blocking.port=" + after + "\necho-blocking.idle-timeout=soon\n");
            DistProcess.Result bad = netsvc.control("reload");
            assertEquals(2, bad.exitCode(), bad::toString);
            assertTrue(bad.stderr().contains("refused, nothing changed")
                    && bad.stderr().contains("echo-blocking.idle-timeout"), bad::toString);
            LauncherIT.assertEcho(loopback(after), "the running configuration stays");
            DistProcess.Result status = netsvc.control("status");
            assertTrue(status.stdout().lines().anyMatch(l -> l.matches("qotd +running .*")), status::toString);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    // The port of a socket bound and closed at once: free unless another process takes it in between.
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
