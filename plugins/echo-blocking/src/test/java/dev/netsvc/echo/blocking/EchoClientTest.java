package dev.netsvc.echo.blocking;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.testkit.BytePattern;
import dev.netsvc.core.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc call echo} against our echo server and against servers that misbehave. */
class EchoClientTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int call(InputStream in, String... args) throws Exception {
        ClientInvocation invocation = new ClientInvocation(List.of(args), Map.of(), Duration.ofSeconds(5), in,
                new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC());
        return new EchoClient().run(invocation);
    }

    private int call(String... args) throws Exception {
        return call(InputStream.nullInputStream(), args);
    }

    @Test
    void sendsTheMessageAsALineAndPrintsTheEcho() throws Exception {
        try (ServiceHarness echo = ServiceHarness.of(new EchoBlockingService()).start()) {
            assertEquals(0, call("127.0.0.1:" + echo.tcpPort(), "héllo, world"));
            assertEquals("héllo, world\n", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void dashStreamsLargeInputWithoutDeadlock() throws Exception {
        byte[] input = new BytePattern(9).bytes(8 << 20); // far more than the socket buffers hold
        try (ServiceHarness echo = ServiceHarness.of(new EchoBlockingService()).start()) {
            assertEquals(0, call(new ByteArrayInputStream(input), "127.0.0.1:" + echo.tcpPort(), "-"));
            assertArrayEquals(input, out.toByteArray());
        }
    }

    @Test
    void noMessageMeansStandardInput() throws Exception {
        try (ServiceHarness echo = ServiceHarness.of(new EchoBlockingService()).start()) {
            byte[] input = "line one\nline two\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals(0, call(new ByteArrayInputStream(input), "127.0.0.1:" + echo.tcpPort()));
            assertArrayEquals(input, out.toByteArray());
        }
    }

    @Test
    void refusedConnectionSaysSoInPlainWords() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String target = "127.0.0.1:" + port;
        ClientException e = assertThrows(ClientException.class, () -> call(target, "x"));
        assertTrue(e.getMessage().contains("connection refused by 127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void aServerThatIsNotAnEchoIsCalledOut() throws Exception {
        try (ServerSocket liar = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = liar.accept()) {
                    s.getOutputStream().write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (java.io.IOException ignored) {
                    // the test checks what the client says
                }
            });
            ClientException e = assertThrows(ClientException.class, () -> call("127.0.0.1:" + liar.getLocalPort(), "hi"));
            assertTrue(e.getMessage().contains("is it an echo server?"), e.getMessage());
        }
    }

    @Test
    void aServerThatClosesEarlyInStreamModeIsReported() throws Exception {
        try (ServerSocket quitter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = quitter.accept()) {
                    s.getOutputStream().write(s.getInputStream().readNBytes(10), 0, 3); // echoes three of ten, then leaves
                } catch (java.io.IOException ignored) {
                    // the test checks what the client says
                }
            });
            byte[] input = "0123456789".getBytes(StandardCharsets.US_ASCII);
            ClientException e = assertThrows(ClientException.class,
                    () -> call(new ByteArrayInputStream(input), "127.0.0.1:" + quitter.getLocalPort(), "-"));
            assertTrue(e.getMessage().contains("closed the connection after echoing 3 of"), e.getMessage());
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThrows(UsageException.class, this::call);
        assertThrows(UsageException.class, () -> call("localhost:99999", "x"));
        assertThrows(UsageException.class, () -> call("localhost", "a", "b"));
    }
}
