package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS on every TCP service of the distribution, judged by clients nobody here wrote (openssl s_client,
 * curl) and by netsvc's own: every engine's echo, qotd over TCP and http with ALPN; client certificates
 * as access control, shown in the access log; failures in plain words; hostile handshakes closed and
 * counted in /metrics.
 */
class TlsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> ECHOES = List.of("echo-blocking", "echo-selector", "echo-async");

    @TempDir
    Path dir;

    private static DistProcess start(TlsFiles tls, String enable, String... more) {
        List<String> args = new ArrayList<>(List.of("-e", enable));
        for (String id : enable.split(",")) {
            args.addAll(List.of("--set", id + ".port=0"));
            args.addAll(tls.settings(id));
        }
        args.addAll(List.of(more));
        return DistProcess.run(args.toArray(String[]::new));
    }

    private static DistProcess.Result openssl(String input, String... args) {
        List<String> command = new ArrayList<>(List.of(Tools.require("openssl"), "s_client"));
        command.addAll(List.of(args));
        return Tools.run(WAIT, input.getBytes(StandardCharsets.US_ASCII), command.toArray(String[]::new));
    }

    /**
     * {@code openssl s_client -quiet -ign_eof} sent {@code input}, its output once it shows {@code expect}
     * or once it ended by itself (the server closed or refused). Its input stays open meanwhile: at the
     * end of its input s_client closes the session, which would race the server's answer.
     */
    static String conversation(String input, String expect, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Tools.require("openssl"), "s_client", "-quiet", "-ign_eof"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuffer output = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = process.getInputStream()) {
                byte[] chunk = new byte[4096];
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    output.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            process.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
            Await.until(WAIT, () -> "openssl to show '" + expect + "' or end: " + output,
                    () -> expect != null && output.toString().contains(expect) || !process.isAlive());
            process.getOutputStream().close();
            process.destroy();
            reader.join(WAIT);
            return output.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (IOException e) {
            return output.toString(); // refused before s_client read its input
        } finally {
            process.destroyForcibly();
        }
    }

    private static DistProcess.Result netsvc(String... args) {
        return DistProcess.exec(WAIT, args);
    }

    @Test
    void everyEngineSpeaksTls13And12ToOpensslAndRefusesOlderVersions() throws Exception {
        TlsFiles tls = TlsFiles.in(dir);
        try (DistProcess netsvc = start(tls, "echo-blocking,echo-selector,echo-async,qotd")) {
            for (String id : ECHOES) {
                String at = "127.0.0.1:" + netsvc.port(id, "tcp");
                for (String version : List.of("-tls1_3", "-tls1_2")) {
                    String r = conversation("hello " + id + "\n", "hello " + id, "-connect", at, version, "-CAfile",
                            tls.caFile().toString(), "-verify_return_error");
                    assertTrue(r.contains("hello " + id), id + " " + version + ": " + r);
                }
                DistProcess.Result old = openssl("", "-connect", at, "-tls1_1", "-CAfile", tls.caFile().toString());
                assertNotEquals(0, old.exitCode(), id + " accepted TLS 1.1: " + old);
                assertTrue(old.stdout().contains("Cipher is (NONE)") || old.stderr().contains("alert"), old.toString());

                DistProcess.Result ours = netsvc("call", "echo", at, "over tls", "--tls", "--cacert", tls.caFile().toString());
                assertEquals(0, ours.exitCode(), ours::toString);
                assertEquals("over tls", ours.stdout(), ours::toString);
            }
            DistProcess.Result quote = netsvc("call", "qotd", "localhost:" + netsvc.port("qotd", "tcp"), "--tls",
                    "--cacert", tls.caFile().toString());
            assertEquals(0, quote.exitCode(), quote::toString);
            assertFalse(quote.stdout().isBlank(), quote::toString);

            DistProcess.Result bench = netsvc("bench", "echo", "localhost:" + netsvc.port("echo-selector", "tcp"), "--tls",
                    "--cacert", tls.caFile().toString(), "--connections", "4", "--messages", "400");
            assertEquals(0, bench.exitCode(), bench::toString);
            assertTrue(bench.stdout().contains("messages:    400 in"), bench::toString);

            String metrics = metrics(netsvc);
            assertTrue(metrics.contains("netsvc_tls_handshakes_total{outcome=\"completed\",service=\"echo-async\",version=\"tls1.3\"}")
                    || metrics.matches("(?s).*netsvc_tls_handshakes_total\\{[^}]*outcome=\"completed\"[^}]*service=\"echo-async\"[^}]*version=\"tls1.3\".*"),
                    metrics);
            assertTrue(metrics.matches("(?s).*netsvc_tls_handshake_failures_total\\{[^}]*reason=\"no-common-protocol\"[^}]*service=\"echo-blocking\"[^}]*} [1-9].*"),
                    metrics);
            assertTrue(metrics.matches("(?s).*netsvc_tls_certificate_expiry_timestamp_seconds\\{service=\"echo-selector\"} [0-9.]+E9.*"), metrics);
        }
    }

    @Test
    void httpsForCurlAndOpensslWithAlpnAndCurlRefusesAWrongName() throws Exception {
        TlsFiles tls = TlsFiles.in(dir, false); // localhost only: 127.0.0.1 is a wrong name
        try (DistProcess netsvc = start(tls, "http")) {
            int port = netsvc.port("http", "tcp");
            DistProcess.Result ok = Tools.run(WAIT, new byte[0], Tools.require("curl"), "-sS", "--cacert", tls.caFile().toString(),
                    "-o", "/dev/null", "-w", "%{http_code} %{http_version}", "https://localhost:" + port + "/");
            assertEquals("200 1.1", ok.stdout(), ok::toString);
            DistProcess.Result wrongName = Tools.run(WAIT, new byte[0], Tools.require("curl"), "-sS", "--cacert",
                    tls.caFile().toString(), "https://127.0.0.1:" + port + "/");
            assertEquals(60, wrongName.exitCode(), "curl refuses a certificate for another name: " + wrongName);
            DistProcess.Result alpn = openssl("", "-connect", "127.0.0.1:" + port, "-alpn", "h2,http/1.1", "-CAfile",
                    tls.caFile().toString());
            assertTrue(alpn.stdout().contains("ALPN protocol: http/1.1"), alpn::toString);

            DistProcess.Result ours = netsvc("call", "http", "--cacert", tls.caFile().toString(), "https://localhost:" + port + "/");
            assertEquals(0, ours.exitCode(), ours::toString);
            assertTrue(ours.stdout().contains("<html"), ours::toString);
            DistProcess.Result mismatch = netsvc("call", "http", "--cacert", tls.caFile().toString(), "https://127.0.0.1:" + port + "/");
            assertEquals(1, mismatch.exitCode());
            assertTrue(mismatch.stderr().contains("is not for 127.0.0.1 (name mismatch)"), mismatch::toString);
            DistProcess.Result unknown = netsvc("call", "http", "https://localhost:" + port + "/");
            assertTrue(unknown.stderr().contains("unknown CA"), unknown::toString);
            DistProcess.Result insecure = netsvc("call", "http", "--insecure", "--head", "https://127.0.0.1:" + port + "/");
            assertEquals(0, insecure.exitCode(), insecure::toString);
        }
    }

    @Test
    void clientCertificatesAreAccessControlAndShownInTheAccessLog() throws Exception {
        TlsFiles tls = TlsFiles.in(dir);
        Path log = dir.resolve("access.log");
        Path[] alice = tls.client("alice.clients.test");
        Path[] bob = tls.client("bob.elsewhere.test");
        try (DistProcess netsvc = start(tls, "http", "--set", "http.tls.client-auth=need", "--set",
                "http.tls.client-ca=" + tls.caFile(), "--set", "http.tls.allow-subjects=*.clients.test",
                "--set", "http.access-log-file=" + log)) {
            String at = "127.0.0.1:" + netsvc.port("http", "tcp");
            String request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            String allowed = conversation(request, "</html>", "-connect", at, "-CAfile", tls.caFile().toString(), "-cert",
                    alice[0].toString(), "-key", alice[1].toString());
            assertTrue(allowed.contains("HTTP/1.1 200"), allowed);
            String other = conversation(request, null, "-connect", at, "-CAfile", tls.caFile().toString(), "-cert",
                    bob[0].toString(), "-key", bob[1].toString());
            assertFalse(other.contains("HTTP/1.1"), other);
            String none = conversation(request, null, "-connect", at, "-CAfile", tls.caFile().toString());
            assertFalse(none.contains("HTTP/1.1"), none);
            DistProcess.Result ours = netsvc("call", "http", "--cacert", tls.caFile().toString(), "--cert", alice[0].toString(),
                    "--key", alice[1].toString(), "https://localhost:" + netsvc.port("http", "tcp") + "/");
            assertEquals(0, ours.exitCode(), ours::toString);
            DistProcess.Result refused = netsvc("call", "http", "--cacert", tls.caFile().toString(),
                    "https://localhost:" + netsvc.port("http", "tcp") + "/");
            assertEquals(1, refused.exitCode(), refused::toString);

            Await.until(WAIT, () -> "two lines in " + log, () -> lines(log).size() >= 2);
            assertTrue(lines(log).stream().allMatch(l -> l.startsWith("127.0.0.1 - alice.clients.test [")), lines(log).toString());
            String metrics = metrics(netsvc);
            assertTrue(metrics.matches("(?s).*netsvc_tls_handshake_failures_total\\{reason=\"subject-not-allowed\",service=\"http\"} [1-9].*"),
                    metrics);
            assertTrue(metrics.matches("(?s).*netsvc_tls_handshake_failures_total\\{reason=\"bad-certificate\",service=\"http\"} [1-9].*"),
                    metrics);
        }
    }

    @Test
    void clientFailuresReadInPlainWords() throws Exception {
        TlsFiles tls = TlsFiles.in(dir);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().readAllBytes(); // takes the ClientHello, answers nothing
                } catch (IOException ignored) {
                    // the client gave up
                }
            });
            DistProcess.Result timedOut = netsvc("call", "echo", "127.0.0.1:" + silent.getLocalPort(), "hi", "--tls",
                    "--timeout", "1s");
            assertEquals(1, timedOut.exitCode(), timedOut::toString);
            assertTrue(timedOut.stderr().contains("the TLS handshake with 127.0.0.1:" + silent.getLocalPort() + " timed out"),
                    timedOut::toString);
        }
        try (DistProcess plain = DistProcess.run("-e", "echo-selector", "--set", "echo-selector.port=0")) {
            DistProcess.Result notTls = netsvc("call", "echo", "127.0.0.1:" + plain.port("echo-selector", "tcp"), "hi", "--tls");
            assertEquals(1, notTls.exitCode(), notTls::toString);
            assertTrue(notTls.stderr().contains("does not speak TLS"), notTls::toString);
        }
        DistProcess.Result badFile = netsvc("call", "echo", "localhost:1", "hi", "--tls", "--cacert", dir.resolve("none.pem").toString());
        assertEquals(2, badFile.exitCode(), badFile::toString);
        assertTrue(badFile.stderr().contains("--cacert"), badFile::toString);
    }

    @Test
    void stalledHandshakesAndGarbageAreClosedAndCounted() throws Exception {
        TlsFiles tls = TlsFiles.in(dir);
        try (DistProcess netsvc = start(tls, "echo-blocking,echo-selector,echo-async",
                "--set", "echo-blocking.tls.handshake-timeout=1s", "--set", "echo-selector.tls.handshake-timeout=1s",
                "--set", "echo-async.tls.handshake-timeout=1s")) {
            for (String id : ECHOES) {
                int port = netsvc.port(id, "tcp");
                try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), port);
                     Socket garbage = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    stalled.setSoTimeout((int) WAIT.toMillis());
                    garbage.setSoTimeout((int) WAIT.toMillis());
                    stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x01, 0x00, 0x01}); // half a ClientHello
                    garbage.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                    long start = System.nanoTime();
                    assertTrue(ends(stalled), id + ": a stalled handshake is closed");
                    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0, "within its timeout");
                    assertTrue(ends(garbage), id + ": garbage is closed");
                }
            }
            Await.until(WAIT, "counted", () -> {
                String m = metrics(netsvc);
                return ECHOES.stream().allMatch(id -> m.contains("netsvc_tls_handshake_failures_total{reason=\"timeout\",service=\"" + id + "\"} 1.0")
                        && m.contains("netsvc_tls_handshake_failures_total{reason=\"not-tls\",service=\"" + id + "\"} 1.0"));
            });
        }
    }

    /** Whether the server closes {@code socket} (reading what it sends until then) before its read timeout. */
    static boolean ends(Socket socket) {
        try {
            byte[] sink = new byte[1024];
            while (socket.getInputStream().read(sink) >= 0) {
                // an alert, perhaps
            }
            return true;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }

    static String metrics(DistProcess netsvc) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(netsvc.adminUri().resolve("metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
