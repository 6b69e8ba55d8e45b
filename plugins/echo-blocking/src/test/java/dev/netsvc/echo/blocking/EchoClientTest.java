package dev.netsvc.echo.blocking;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.UsageException;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc call echo} against our echo server and against servers that misbehave. */
class EchoClientTest {

    private final ClientHarness echo = ClientHarness.of(new EchoClient());

    private int call(String... args) throws Exception {
        return echo.run(args);
    }

    @Test
    void sendsTheMessageAsALineAndPrintsTheEcho() throws Exception {
        try (ServiceHarness server = ServiceHarness.of(new EchoBlockingService()).start()) {
            assertEquals(0, call("127.0.0.1:" + server.tcpPort(), "héllo, world"));
            assertEquals("héllo, world\n", echo.out());
        }
    }

    @Test
    void dashStreamsLargeInputWithoutDeadlock() throws Exception {
        String input = "a line of text to stream through the server\n".repeat(200_000); // 9 MB: more than the socket buffers hold
        try (ServiceHarness server = ServiceHarness.of(new EchoBlockingService()).start()) {
            assertEquals(0, echo.input(input.getBytes(StandardCharsets.US_ASCII)).run("127.0.0.1:" + server.tcpPort(), "-"));
            assertEquals(input, echo.out());
        }
    }

    @Test
    void noMessageMeansStandardInput() throws Exception {
        try (ServiceHarness server = ServiceHarness.of(new EchoBlockingService()).start()) {
            assertEquals(0, echo.input("line one\nline two\n".getBytes(StandardCharsets.US_ASCII))
                    .run("127.0.0.1:" + server.tcpPort()));
            assertEquals("line one\nline two\n", echo.out());
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
            assertEquals("", echo.out(), "a stranger's bytes are not printed as the echo");
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
            echo.input("0123456789".getBytes(StandardCharsets.US_ASCII));
            ClientException e = assertThrows(ClientException.class, () -> call("127.0.0.1:" + quitter.getLocalPort(), "-"));
            assertTrue(e.getMessage().contains("closed the connection after echoing 3 of"), e.getMessage());
        }
    }

    @Test
    void anEchoOfTheSameLengthWithOtherBytesIsNoEcho() throws Exception {
        try (ServerSocket shouter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = shouter.accept()) {
                    byte[] buffer = new byte[1024];
                    int n;
                    while ((n = s.getInputStream().read(buffer)) >= 0) { // echoes in upper case
                        s.getOutputStream().write(new String(buffer, 0, n, StandardCharsets.US_ASCII)
                                .toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (java.io.IOException ignored) {
                    // the test checks what the client says
                }
            });
            echo.input("hello\nworld\n".getBytes(StandardCharsets.US_ASCII));
            ClientException e = assertThrows(ClientException.class, () -> call("127.0.0.1:" + shouter.getLocalPort(), "-"));
            assertEquals("127.0.0.1:" + shouter.getLocalPort() + " sent back 12 bytes, as many as were sent, but not the"
                    + " same bytes: is it an echo server?", e.getMessage());
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThrows(UsageException.class, this::call);
        assertThrows(UsageException.class, () -> call("localhost:99999", "x"));
        assertThrows(UsageException.class, () -> call("localhost", "a", "b"));
    }
}
