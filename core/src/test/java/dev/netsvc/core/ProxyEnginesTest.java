package dev.netsvc.core;

import dev.netsvc.core.LayeredEngines.Engine;
import dev.netsvc.core.LayeredEngines.Running;
import dev.netsvc.core.internal.ProxyHeaders;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.TestCertificates;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PROXY protocol on each of core's engines: the header's client is the address the handler and the
 * access rules see; headers from elsewhere, malformed, late or cut short never reach a handler and are
 * counted by reason; with TLS the header comes first, then the handshake.
 */
class ProxyEnginesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final InetSocketAddress CLIENT = address("192.0.2.7", 51000);
    private static final InetSocketAddress CLIENT6 = address("2001:db8::7", 51001);
    private static final InetSocketAddress SERVER = address("198.51.100.1", 7007);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.now());
    private final ServiceCounters counters = new ServiceCounters();
    private final Map<String, String> settings = new HashMap<>(Map.of("proxy-protocol", "any", "proxy-from", "127.0.0.0/8"));

    private static InetSocketAddress address(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Running echo(Engine engine) throws IOException {
        return LayeredEngines.echo(engine, LayeredEngines.context("proxy-test", settings, clock, counters));
    }

    private static Socket connect(Running running) throws IOException {
        Socket socket = new Socket(running.address.getAddress(), running.address.getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static byte[] send(Socket socket, byte[] header, String message) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(header);
        out.write(message.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.shutdownOutput();
        return socket.getInputStream().readAllBytes();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theHeadersClientIsTheConnectionsAddress(Engine engine) throws Exception {
        try (Running running = echo(engine)) {
            try (Socket socket = connect(running)) {
                assertArrayEquals("one".getBytes(StandardCharsets.US_ASCII), send(socket, ProxyHeaders.v1(CLIENT, SERVER), "one"));
            }
            try (Socket socket = connect(running)) {
                assertArrayEquals("two".getBytes(StandardCharsets.US_ASCII),
                        send(socket, ProxyHeaders.v2(CLIENT6, address("2001:db8::1", 7007), new byte[] {3, 0, 1, 9}), "two"));
            }
            try (Socket socket = connect(running)) { // a balancer's health check: its own address
                assertArrayEquals("three".getBytes(StandardCharsets.US_ASCII), send(socket, ProxyHeaders.v2Local(), "three"));
            }
            Await.until(WAIT, "three handlers", () -> running.seen.size() == 3);
            List<InetSocketAddress> remotes = running.seen.stream().map(LayeredEngines.Seen::remote).toList();
            assertEquals(CLIENT, remotes.get(0));
            assertEquals(CLIENT6, remotes.get(1));
            assertTrue(remotes.get(2).getAddress().isLoopbackAddress(), remotes.toString());
        }
        assertEquals(3, counters.get(Counters.TCP_ACCEPTED));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theAccessRulesJudgeTheHeadersClient(Engine engine) throws Exception {
        settings.put("only-from", "192.0.2.0/24");
        try (Running running = echo(engine)) {
            try (Socket socket = connect(running)) {
                assertArrayEquals("in".getBytes(StandardCharsets.US_ASCII), send(socket, ProxyHeaders.v1(CLIENT, SERVER), "in"));
            }
            try (Socket socket = connect(running)) {
                assertTrue(refused(socket, ProxyHeaders.v1(address("203.0.113.9", 4000), SERVER)), "refused by only-from");
            }
            assertEquals(1, counters.get("tcp.connections.refused.acl"));
            assertEquals(1, running.seen.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aConnectionFromOutsideProxyFromIsRefused(Engine engine) throws Exception {
        settings.put("proxy-from", "192.0.2.0/24"); // not loopback
        try (Running running = echo(engine); Socket socket = connect(running)) {
            assertTrue(refused(socket, ProxyHeaders.v1(CLIENT, SERVER)));
            assertEquals(1, counters.get("tcp.connections.refused.proxy"));
            assertEquals(1, counters.get("proxy.refused.untrusted"));
            assertTrue(running.seen.isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aMalformedHeaderIsRefused(Engine engine) throws Exception {
        settings.put("proxy-protocol", "v2");
        try (Running running = echo(engine)) {
            try (Socket socket = connect(running)) {
                assertTrue(refused(socket, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            try (Socket socket = connect(running)) {
                assertTrue(refused(socket, ProxyHeaders.v1(CLIENT, SERVER)), "v1 where v2 is expected");
            }
            Await.until(WAIT, "counted", () -> counters.get("proxy.refused.malformed") == 2);
            assertEquals(2, counters.get("tcp.connections.refused.proxy"));
            assertTrue(running.seen.isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSlowHeaderIsRefusedAtTheDeadlineAndATruncatedOneWhenTheClientCloses(Engine engine) throws Exception {
        settings.put("proxy-timeout", "2s");
        byte[] header = ProxyHeaders.v2(CLIENT, SERVER, new byte[0]);
        try (Running running = echo(engine)) {
            try (Socket slow = connect(running)) {
                slow.getOutputStream().write(header, 0, 10);
                clock.advance(Duration.ofSeconds(1));
                try (Socket other = connect(running)) { // others are served meanwhile
                    assertArrayEquals("ok".getBytes(StandardCharsets.US_ASCII), send(other, header, "ok"));
                }
                assertEquals(0, counters.get("proxy.refused.timeout"));
                clock.advance(Duration.ofSeconds(2));
                assertTrue(TlsEnginesTest.endsSoon(slow), "closed at the deadline");
                Await.until(WAIT, "counted", () -> counters.get("proxy.refused.timeout") == 1);
            }
            try (Socket truncated = connect(running)) {
                truncated.getOutputStream().write(header, 0, 20);
                truncated.shutdownOutput();
                assertTrue(TlsEnginesTest.endsSoon(truncated));
                Await.until(WAIT, "counted", () -> counters.get("proxy.refused.closed") == 1);
            }
            assertEquals(1, running.seen.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theHeaderComesBeforeTheTlsHandshake(Engine engine) throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("proxy test CA");
        TestCertificates.Issued server = ca.issue("localhost", List.of("localhost", "127.0.0.1"));
        settings.put("tls.cert", server.writeChain(dir.resolve("cert.pem")).toString());
        settings.put("tls.key", server.writeKey(dir.resolve("key.pem")).toString());
        try (Running running = echo(engine); Socket plain = connect(running)) {
            plain.getOutputStream().write(ProxyHeaders.v1(CLIENT, SERVER));
            try (SSLSocket tls = (SSLSocket) ca.clientContext(null).getSocketFactory().createSocket(plain,
                    "localhost", running.address.getPort(), true)) {
                tls.getOutputStream().write("secret".getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                assertArrayEquals("secret".getBytes(StandardCharsets.US_ASCII), tls.getInputStream().readNBytes(6));
            }
            Await.until(WAIT, "a handler", () -> running.seen.size() == 1);
            assertEquals(CLIENT, running.seen.peek().remote());
            assertEquals("TLSv1.3", running.seen.peek().tls().protocol());
        }
    }

    /** Whether the server reset or closed the connection after {@code header} without answering. */
    private static boolean refused(Socket socket, byte[] header) throws IOException {
        try {
            socket.getOutputStream().write(header);
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (IOException e) {
            return true; // reset
        }
    }
}
