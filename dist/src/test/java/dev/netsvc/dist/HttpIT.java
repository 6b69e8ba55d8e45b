package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The http service of the distribution, with the distribution's www/, talked to by clients nobody here
 * wrote (curl, ab, wrk, Python's http.client) and by {@code netsvc call http}.
 */
class HttpIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static DistProcess netsvc;
    private static String base;
    private static String index;

    @BeforeAll
    static void start() throws IOException {
        netsvc = DistProcess.run("--enable", "http", "--set", "http.port=0");
        base = "http://127.0.0.1:" + netsvc.port("http", "tcp");
        index = Files.readString(DistProcess.home().resolve("www/index.html"));
    }

    @AfterAll
    static void stop() {
        assertEquals(0, netsvc.terminate(T), netsvc::output);
        assertTrue(Pattern.compile("http stopped \\(.*http\\.requests=\\d+").matcher(netsvc.stderrText()).find(),
                netsvc::output);
    }

    /** Runs a command to completion; returns its exit status and stdout+stderr. */
    static Tool run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(T.toSeconds(), TimeUnit.SECONDS), () -> String.join(" ", command) + " did not finish");
        return new Tool(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    record Tool(int exit, String output) {
    }

    @Test
    void curlGetsTheIndexPageWithItsHeaders() throws Exception {
        String curl = Tools.require("curl");
        Tool r = run(curl, "-sS", "-i", base + "/");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().startsWith("HTTP/1.1 200 OK\r\n"), r.output());
        assertTrue(r.output().contains("Content-Type: text/html; charset=utf-8\r\n"), r.output());
        assertTrue(r.output().endsWith("\r\n\r\n" + index), r.output());
        assertTrue(index.contains("netsvc") && index.contains("echo-selector") && index.contains("http.root"), "www describes netsvc");

        Tool head = run(curl, "-sS", "-I", base + "/index.html");
        assertTrue(head.output().contains("Content-Length: " + index.getBytes(StandardCharsets.UTF_8).length), head.output());

        Tool missing = run(curl, "-sS", "-f", "-o", "/dev/null", base + "/no-such-page");
        assertEquals(22, missing.exit(), "curl -f: HTTP error\n" + missing.output());

        // several requests on one connection: curl reuses it (and says so)
        Tool reuse = run(curl, "-sS", "-v", "-o", "/dev/null", "-o", "/dev/null", base + "/", base + "/index.html");
        assertTrue(reuse.output().contains("Re-using existing connection") || reuse.output().contains("Reusing existing"), reuse.output());
    }

    @Test
    void curlCannotLeaveTheRoot() throws Exception {
        String curl = Tools.require("curl");
        for (String path : List.of("/../conf/netsvc.properties", "/%2e%2e/conf/netsvc.properties", "/..%2fconf/netsvc.properties")) {
            Tool r = run(curl, "-sS", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", base + path);
            assertEquals("400", r.output(), path);
        }
    }

    @Test
    void theTutorialsAbComparisonHasNoFailedRequests() throws Exception {
        String ab = Tools.require("ab");
        for (boolean keepAlive : new boolean[] {false, true}) {
            List<String> command = new ArrayList<>(List.of(ab, "-n", "1000", "-c", "50"));
            if (keepAlive) {
                command.add("-k");
            }
            command.add(base + "/index.html");
            Tool r = run(command.toArray(String[]::new));
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("Complete requests:      1000"), r.output());
            assertTrue(r.output().contains("Failed requests:        0"), r.output());
            assertFalse(r.output().contains("Non-2xx responses"), r.output());
            if (keepAlive) {
                assertTrue(r.output().contains("Keep-Alive requests:    1000"), "HTTP/1.0 keep-alive honoured\n" + r.output());
            }
        }
    }

    @Test
    void wrkKeepsConnectionsAliveWithoutErrors() throws Exception {
        String wrk = Tools.require("wrk");
        Tool r = run(wrk, "-t1", "-c16", "-d2s", base + "/index.html");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Requests/sec:"), r.output());
        assertFalse(r.output().contains("Non-2xx") || r.output().contains("Socket errors"), r.output());
    }

    @Test
    void pythonHttpClientIsHappy() throws Exception {
        String python = Tools.require("python3");
        String script = String.join("\n",
                "import http.client, sys",
                "c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=10)",
                "for method, path, status in [('GET', '/', 200), ('HEAD', '/index.html', 200), ('GET', '/nope', 404),",
                "                             ('POST', '/', 405), ('GET', '/index.html', 200)]:",
                "    c.request(method, path, body=b'x' if method == 'POST' else None)",
                "    r = c.getresponse()",
                "    body = r.read()",
                "    assert r.status == status, (method, path, r.status)",
                "    assert method != 'HEAD' or body == b'', body",
                "    assert r.getheader('Date'), 'Date'",
                "    if status == 200 and method == 'GET':",
                "        assert len(body) == int(r.getheader('Content-Length')), 'length'",
                "print('ok', c.sock is not None)");
        Tool r = run(python, "-c", script, base.substring(base.lastIndexOf(':') + 1));
        assertEquals(0, r.exit(), r.output());
        assertEquals("ok True", r.output().strip(), "five exchanges on one kept-alive connection\n" + r.output());
    }

    @Test
    void netsvcCallHttpGetsThePage(@TempDir Path tmp) {
        DistProcess.Result get = DistProcess.exec(T, "call", "http", base + "/");
        assertEquals(0, get.exitCode(), get::toString);
        assertEquals(index.strip(), get.stdout().strip());
        assertTrue(get.stderr().startsWith("HTTP/1.1 200 OK"), get::toString);

        DistProcess.Result head = DistProcess.exec(T, "call", "http", "--head", base + "/");
        assertEquals(0, head.exitCode(), head::toString);
        assertTrue(head.stdout().startsWith("HTTP/1.1 200 OK") && head.stdout().contains("ETag:"), head::toString);

        Path file = tmp.resolve("index.html");
        DistProcess.Result out = DistProcess.exec(T, "call", "http", "-o", file.toString(), "-H", "X-From: test", base + "/");
        assertEquals(0, out.exitCode(), out::toString);
        assertEquals(index, uncheckedRead(file));

        DistProcess.Result missing = DistProcess.exec(T, "call", "http", base + "/nope");
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.stderr().contains("404 Not Found"), missing::toString);

        // https to a plain HTTP port: said plainly, not as a garbled handshake (TlsIT has the HTTPS server)
        DistProcess.Result https = DistProcess.exec(T, "call", "http", base.replace("http://", "https://") + "/");
        assertEquals(1, https.exitCode(), https::toString);
        assertTrue(https.stderr().contains("does not speak TLS on this port"), https::toString);
    }

    @Test
    void withAnEmptyFileEveryRequestHasOneAccessLogLineThroughTheLogger() throws Exception {
        String curl = Tools.require("curl");
        String marker = "/access-log-probe-" + System.nanoTime();
        try (DistProcess own = DistProcess.run("--enable", "http", "--set", "http.port=0", "--set", "http.access-log-file=")) {
            run(curl, "-sS", "-o", "/dev/null", "http://127.0.0.1:" + own.port("http", "tcp") + marker);
            String line = own.awaitLine(T, Pattern.compile(Pattern.quote(marker)));
            // the logger stamps the time; the line carries no second one
            assertTrue(line.contains("http.access - 127.0.0.1 - - \"GET "), line);
            assertTrue(Pattern.compile(" \"GET " + Pattern.quote(marker) + " HTTP/1.1\" 404 \\d+ \\d+\\.\\d{3}$").matcher(line).find(), line);
            assertEquals(1, own.stderrLines().stream().filter(l -> l.contains(marker)).count());
            assertEquals(0, own.terminate(T), own::output);
        }
    }

    @Test
    void byDefaultTheAccessLogIsAFileUnderTheHome() throws Exception {
        String curl = Tools.require("curl");
        String marker = "/default-access-log-probe-" + System.nanoTime();
        Path log = DistProcess.home().resolve("logs/http-access.log");
        // the shared installation's log may be large (benchmarks run it too): read only what comes now
        long from = Files.exists(log) ? Files.size(log) : 0;
        run(curl, "-sS", "-o", "/dev/null", base + marker);
        Await.until(T, "the line in " + log, () -> appended(log, from).contains(marker));
        assertTrue(appended(log, from).lines().anyMatch(l -> l.contains("\"GET " + marker + " HTTP/1.1\" 404 ")), log::toString);
        assertTrue(netsvc.stderrLines().stream().noneMatch(l -> l.contains(marker)), "not also on stderr");
    }

    /** What {@code file} holds after its first {@code from} bytes (up to 1 MiB of it); empty while it does not exist. */
    static String appended(Path file, long from) {
        try (var in = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(0, in.size() - from)));
            in.read(tail, from);
            return new String(tail.array(), 0, tail.position(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theAccessLogGoesToItsFileInTheCombinedFormat(@TempDir Path tmp) throws Exception {
        String curl = Tools.require("curl");
        Path log = tmp.resolve("logs/access.log");
        try (DistProcess own = DistProcess.run("--enable", "http", "--set", "http.port=0",
                "--set", "http.access-log-file=" + log, "--set", "http.access-log-format=combined")) {
            String url = "http://127.0.0.1:" + own.port("http", "tcp") + "/index.html";
            run(curl, "-sS", "-o", "/dev/null", "-A", "probe/1.0", "-e", "http://from/", url);
            assertEquals(0, own.terminate(T), own::output); // stopping writes what is queued
            List<String> lines = Files.readAllLines(log);
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.getFirst().matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /index\\.html HTTP/1\\.1\" 200 \\d+ "
                    + "\"http://from/\" \"probe/1\\.0\" \\d+\\.\\d{3}"), lines.getFirst());
            assertTrue(own.stderrLines().stream().noneMatch(l -> l.contains(" http.access - ")), own::output);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"selector", "blocking"})
    void aRootWithASymlinkOutIsServedButTheLinkIsNot(String io, @TempDir Path tmp) throws Exception {
        String curl = Tools.require("curl");
        Path root = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(root.resolve("page.txt"), "inside");
        Files.writeString(tmp.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(root.resolve("escape.txt"), tmp.resolve("secret.txt"));
        try (DistProcess own = DistProcess.run("--enable", "http", "--set", "http.port=0", "--set", "http.io=" + io,
                "--set", "http.root=" + root)) {
            String url = "http://127.0.0.1:" + own.port("http", "tcp");
            assertEquals("inside", run(curl, "-sS", url + "/page.txt").output());
            assertEquals("404", run(curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", url + "/escape.txt").output());
            Tool ab = run(Tools.require("ab"), "-n", "200", "-c", "20", "-k", url + "/page.txt");
            assertTrue(ab.output().contains("Failed requests:        0"), ab.output());
            assertEquals(0, own.terminate(T), own::output);
        }
    }

    /** Files above sendfile-threshold go by sendfile on both transports: whole, to a fast and a slow client. */
    @ParameterizedTest
    @ValueSource(strings = {"selector", "blocking"})
    void aLargeFileArrivesWholeOnEitherTransport(String io, @TempDir Path tmp) throws Exception {
        String curl = Tools.require("curl");
        Path root = Files.createDirectories(tmp.resolve("site"));
        byte[] big = new byte[(6 << 20) + 7];
        new java.util.Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        try (DistProcess own = DistProcess.run("--enable", "http", "--set", "http.port=0", "--set", "http.io=" + io,
                "--set", "http.root=" + root)) {
            String url = "http://127.0.0.1:" + own.port("http", "tcp") + "/big.bin";
            Path fast = tmp.resolve("fast.bin");
            Path slow = tmp.resolve("slow.bin");
            run(curl, "-sS", "-o", fast.toString(), url, "--next", "-sS", "--limit-rate", "4M", "-o", slow.toString(), url);
            assertArrayEquals(big, Files.readAllBytes(fast), "fast client");
            assertArrayEquals(big, Files.readAllBytes(slow), "slow client");
            assertEquals(0, own.terminate(T), own::output);
            // bin/netsvc gives the JVM what TCP_CORK needs; core says so once when it cannot set it
            assertFalse(own.output().contains("without TCP_CORK"), own::output);
        }
    }

    @Test
    void aMissingRootIsAConfigurationErrorNamingItsKey(@TempDir Path tmp) {
        DistProcess.Result r = DistProcess.exec(T, "run", "--enable", "http", "--set", "http.port=0",
                "--set", "http.root=" + tmp.resolve("absent"));
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("http.root (--set): " + tmp.resolve("absent") + " does not exist"), r::toString);
        assertTrue(!r.stderr().contains("listening on"), () -> "refused before anything starts\n" + r);
    }

    private static String uncheckedRead(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

}
