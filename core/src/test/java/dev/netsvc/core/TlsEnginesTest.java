package dev.netsvc.core;

import dev.netsvc.core.LayeredEngines.Engine;
import dev.netsvc.core.LayeredEngines.Running;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.TestCertificates;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS on each of core's engines, with the JDK's own TLS client: the handler sees plaintext and the
 * session; the handshake is bounded by its timeout on the service clock; what is not TLS, a client
 * without the CA's certificate or outside {@code tls.allow-subjects}, and renegotiation are refused and
 * counted by reason; close_notify ends input and is answered; a file goes out whole in records.
 */
class TlsEnginesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.now());
    private final ServiceCounters counters = new ServiceCounters();
    private TestCertificates.Authority ca;
    private final Map<String, String> settings = new HashMap<>();

    @BeforeEach
    void certificates() {
        ca = TestCertificates.authority("netsvc test CA");
        TestCertificates.Issued server = ca.issue("localhost", List.of("localhost", "127.0.0.1"));
        settings.put("tls.cert", server.writeChain(dir.resolve("server.pem")).toString());
        settings.put("tls.key", server.writeKey(dir.resolve("server.key")).toString());
    }

    private Running echo(Engine engine) throws IOException {
        return LayeredEngines.echo(engine, LayeredEngines.context("tls-test", settings, clock, counters));
    }

    private SSLSocket client(Running running, SSLContext context, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(running.address.getAddress(), running.address.getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        if (protocols.length > 0) {
            socket.setEnabledProtocols(protocols);
        }
        return socket;
    }

    private static byte[] echoOnce(Socket socket, byte[] message) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(message);
        out.flush();
        return in.readNBytes(message.length);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aHandlerSeesPlaintextOverTls13AndTls12(Engine engine) throws Exception {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        try (Running running = echo(engine)) {
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                try (SSLSocket socket = client(running, ca.clientContext(null), protocol)) {
                    assertArrayEquals("hello\n".getBytes(StandardCharsets.US_ASCII),
                            echoOnce(socket, "hello\n".getBytes(StandardCharsets.US_ASCII)));
                    // more than one record each way, written while the echo comes back
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            socket.getOutputStream().write(big);
                            socket.getOutputStream().flush();
                        } catch (IOException ignored) {
                            // the read below fails too
                        }
                    });
                    assertArrayEquals(big, socket.getInputStream().readNBytes(big.length));
                    writer.join(WAIT);
                    assertEquals(protocol, socket.getSession().getProtocol());
                }
            }
            Await.until(WAIT, "two handlers", () -> running.seen.size() == 2);
            assertEquals(List.of("TLSv1.3", "TLSv1.2"), running.seen.stream().map(s -> s.tls().protocol()).toList());
            assertTrue(running.seen.stream().noneMatch(s -> s.tls().hasClientCertificate()));
        }
        assertEquals(1, counters.get("tls.handshakes.completed.tls1.3"));
        assertEquals(1, counters.get("tls.handshakes.completed.tls1.2"));
        assertTrue(counters.get(Counters.TLS_CERTIFICATE_EXPIRES) > Instant.now().getEpochSecond(), "expiry gauge");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void closeNotifyEndsTheInputAndIsAnswered(Engine engine) throws Exception {
        try (Running running = echo(engine); SSLSocket socket = client(running, ca.clientContext(null), "TLSv1.3")) {
            socket.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput(); // TLS 1.3: close_notify, the input stays open
            assertArrayEquals("last words".getBytes(StandardCharsets.US_ASCII), socket.getInputStream().readNBytes(10));
            assertEquals(-1, socket.getInputStream().read(), "the server's close_notify: a clean end, not a truncation");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aHandshakeThatDoesNotCompleteIsClosedAtItsTimeoutOnTheServiceClock(Engine engine) throws Exception {
        settings.put("tls.handshake-timeout", "3s");
        try (Running running = echo(engine); Socket stalled = new Socket(running.address.getAddress(), running.address.getPort())) {
            stalled.setSoTimeout((int) WAIT.toMillis());
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xF0, 0x01}); // half a ClientHello
            // others are served meanwhile
            try (SSLSocket socket = client(running, ca.clientContext(null))) {
                assertArrayEquals(new byte[] {1, 2, 3}, echoOnce(socket, new byte[] {1, 2, 3}));
            }
            assertEquals(0, counters.get("tls.handshake-failures.timeout"));
            clock.advance(Duration.ofSeconds(4));
            assertTrue(endsSoon(stalled), "closed once the handshake timeout passed");
            Await.until(WAIT, "the timeout counted", () -> counters.get("tls.handshake-failures.timeout") == 1);
            assertEquals(1, counters.get("tls.handshakes.failed.none"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void plainTextInsteadOfAClientHelloIsRefused(Engine engine) throws Exception {
        try (Running running = echo(engine); Socket plain = new Socket(running.address.getAddress(), running.address.getPort())) {
            plain.setSoTimeout((int) WAIT.toMillis());
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(endsSoon(plain), "closed");
            Await.until(WAIT, "counted", () -> counters.get("tls.handshake-failures.not-tls") == 1);
            assertTrue(running.seen.isEmpty(), "no handler saw it");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void noCommonCipherSuiteIsRefusedAsNoCommonProtocol(Engine engine) throws Exception {
        try (Running running = echo(engine); SSLSocket socket = client(running, ca.clientContext(null), "TLSv1.2")) {
            socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"}); // CBC: not offered
            assertThrows(SSLException.class, socket::startHandshake);
            Await.until(WAIT, "counted", () -> counters.get("tls.handshake-failures.no-common-protocol") == 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void renegotiationIsRefused(Engine engine) throws Exception {
        try (Running running = echo(engine); SSLSocket socket = client(running, ca.clientContext(null), "TLSv1.2")) {
            assertArrayEquals(new byte[] {9}, echoOnce(socket, new byte[] {9}));
            IOException e = assertThrows(IOException.class, () -> {
                socket.startHandshake(); // a second handshake on TLS 1.2: a renegotiation
                socket.getOutputStream().write(7);
                socket.getOutputStream().flush();
                if (socket.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            });
            assertTrue(e.getMessage() != null, e.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void clientCertificatesAreAccessControl(Engine engine) throws Exception {
        TestCertificates.Authority other = TestCertificates.authority("another CA");
        settings.put("tls.client-auth", "need");
        settings.put("tls.client-ca", ca.certificate().writeCertificate(dir.resolve("ca.pem")).toString());
        settings.put("tls.allow-subjects", "*.clients.test, admin");
        try (Running running = echo(engine)) {
            TestCertificates.Issued alice = ca.issue("alice.clients.test", List.of("alice.clients.test"));
            try (SSLSocket socket = client(running, ca.clientContext(alice))) {
                assertArrayEquals(new byte[] {1}, echoOnce(socket, new byte[] {1}));
            }
            Await.until(WAIT, "a handler", () -> running.seen.size() == 1);
            assertEquals("alice.clients.test", running.seen.peek().tls().clientName());
            assertTrue(running.seen.peek().tls().subject().contains("CN=alice.clients.test"), running.seen.peek().toString());

            refused(running, ca.clientContext(ca.issue("bob.elsewhere.test", List.of("bob.elsewhere.test"))));
            Await.until(WAIT, "subject refused", () -> counters.get("tls.handshake-failures.subject-not-allowed") == 1);
            refused(running, ca.clientContext(null));
            Await.until(WAIT, "no certificate", () -> counters.get("tls.handshake-failures.bad-certificate") == 1);
            TestCertificates.Issued stranger = other.issue("eve.clients.test", List.of("eve.clients.test"));
            refused(running, ca.clientContext(stranger));
            Await.until(WAIT, "unknown CA", () -> counters.get("tls.handshake-failures.unknown-ca") == 1);
            assertEquals(1, running.seen.size(), "no refused client reached a handler");
        }
    }

    private void refused(Running running, SSLContext context) throws IOException {
        try (SSLSocket socket = client(running, context, "TLSv1.3")) {
            // TLS 1.3: the client's handshake ends before the server's verdict; its first read learns it
            assertThrows(IOException.class, () -> {
                socket.getOutputStream().write(1);
                socket.getOutputStream().flush();
                if (socket.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"BLOCKING", "SELECTOR"})
    void aLargeFileGoesOutWholeInRecords(Engine engine) throws Exception {
        byte[] content = new byte[(1 << 20) + 12345];
        new Random(11).nextBytes(content);
        Path file = Files.write(dir.resolve("big.bin"), content);
        try (Running running = LayeredEngines.fileSender(engine, LayeredEngines.context("tls-test", settings, clock, counters), file);
             SSLSocket socket = client(running, ca.clientContext(null))) {
            socket.startHandshake();
            byte[] got = socket.getInputStream().readAllBytes();
            assertEquals(content.length, got.length);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            assertTrue(Arrays.equals(sha.digest(content), MessageDigest.getInstance("SHA-256").digest(got)), "same bytes");
        }
    }

    /** Whether the server closed or reset {@code socket} within the wait. */
    static boolean endsSoon(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (in.read(sink) < 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }
}
