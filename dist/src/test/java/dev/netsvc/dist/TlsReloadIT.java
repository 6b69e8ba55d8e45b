package dev.netsvc.dist;

import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.TestCertificates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificate reload without a restart: new certificate files in place and {@code netsvc reload} while
 * {@code ab -k} keeps requests going over TLS: no request fails, connections made after the reload get the
 * new certificate; a key that does not match is refused whole and the certificate in use keeps serving.
 */
class TlsReloadIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aNewCertificateServesNewConnectionsWhileAbKeepsGoingAndAMismatchedKeyIsRefused() throws Exception {
        TlsFiles tls = TlsFiles.in(dir);
        Path log = dir.resolve("access.log");
        try (DistProcess netsvc = DistProcess.run("-e", "http", "--set", "http.port=0", "--set", "http.tls.cert=" + tls.cert(),
                "--set", "http.tls.key=" + tls.key(), "--set", "http.access-log-file=" + log)) {
            int port = netsvc.port("http", "tcp");
            assertEquals("localhost", subject(port), "the first certificate");

            String ab = Tools.require("ab");
            AtomicReference<DistProcess.Result> load = new AtomicReference<>();
            Thread abThread = Thread.ofPlatform().start(() -> load.set(Tools.run(WAIT, new byte[0], ab, "-k", "-q", "-c", "4",
                    "-t", "12", "-n", "50000000", "https://127.0.0.1:" + port + "/")));
            Await.until(WAIT, "ab under way", () -> lines(log) > 200);

            TestCertificates.Issued next = tls.ca().issue("localhost-renewed", List.of("localhost", "127.0.0.1"),
                    Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)), "EC");
            replace(tls.cert(), next.writeChain(dir.resolve("next-cert.pem")));
            replace(tls.key(), next.writeKey(dir.resolve("next-key.pem")));
            DistProcess.Result reload = netsvc.control("reload");
            assertEquals(0, reload.exitCode(), reload::toString);
            assertTrue(reload.stdout().contains("http: new settings (tls.cert, tls.key: their files changed)")
                    || reload.stdout().contains("http:"), reload::toString);
            assertEquals("localhost-renewed", subject(port), "a new connection gets the new certificate");

            abThread.join(WAIT);
            DistProcess.Result abResult = load.get();
            assertNotNull(abResult, "ab finished");
            assertTrue(abResult.stdout().contains("Failed requests:        0"), abResult::toString);
            assertTrue(!abResult.stdout().contains("Non-2xx responses"), abResult::toString);
            Matcher done = Pattern.compile("Complete requests:\\s+(\\d+)").matcher(abResult.stdout());
            assertTrue(done.find() && Long.parseLong(done.group(1)) > 200, abResult::toString);

            tls.ca().issue("stranger", List.of("stranger")).writeKey(dir.resolve("wrong.key"));
            replace(tls.key(), dir.resolve("wrong.key"));
            DistProcess.Result refused = netsvc.control("reload");
            assertEquals(2, refused.exitCode(), refused::toString);
            assertTrue((refused.stdout() + refused.stderr()).contains("http.tls.key"), refused::toString);
            assertTrue((refused.stdout() + refused.stderr()).contains("is not the key of the certificate"), refused::toString);
            assertEquals("localhost-renewed", subject(port), "the certificate in use keeps serving");
        }
    }

    /** The CN of the certificate {@code openssl s_client} is given on a new connection. */
    private static String subject(int port) {
        DistProcess.Result r = Tools.run(WAIT, new byte[0], Tools.require("openssl"), "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost");
        Matcher m = Pattern.compile("subject=CN\\s*=\\s*(\\S+)").matcher(r.stdout());
        assertTrue(m.find(), r::toString);
        return m.group(1);
    }

    private static void replace(Path target, Path source) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static long lines(Path file) {
        try (var s = Files.lines(file)) {
            return s.count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
