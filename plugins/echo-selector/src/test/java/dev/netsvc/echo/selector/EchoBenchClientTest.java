package dev.netsvc.echo.selector;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.UsageException;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc bench echo} against echo-selector and against servers that misbehave. */
class EchoBenchClientTest {

    private ClientHarness client;

    /** Runs a fresh client; {@code options} are long-name/value pairs. */
    private int bench(String target, String... options) throws Exception {
        client = ClientHarness.of(new EchoBenchClient());
        for (int i = 0; i < options.length; i += 2) {
            client.option(options[i], options[i + 1]);
        }
        return client.run(target);
    }

    private String field(String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":\\s+(.*)$").matcher(client.out());
        assertTrue(m.find(), "report has " + name + ":\n" + client.out());
        return m.group(1).strip();
    }

    @Test
    void countsEveryMessageAndReportsRatesAndLatency() throws Exception {
        try (ServiceHarness echo = ServiceHarness.of(new EchoSelectorService()).start()) {
            assertEquals(0, bench("127.0.0.1:" + echo.tcpPort(), "connections", "20", "messages", "2000", "size", "100"));
            assertTrue(field("messages").startsWith("2000 in "), client::out);
            assertEquals("20", field("connections"));
            assertEquals("100 bytes", field("size"));
            assertTrue(Double.parseDouble(field("messages/s")) > 0);
            assertTrue(field("latency").matches("p50 [\\d.]+ ms  p99 [\\d.]+ ms  p99\\.9 [\\d.]+ ms  max [\\d.]+ ms"), client::out);
            assertEquals(2000L * 100, echo.counters().get("tcp.bytes.echoed"), "the server saw exactly that much");
        }
    }

    @Test
    void largeMessagesAreWrittenWhileTheirEchoIsRead() throws Exception {
        try (ServiceHarness echo = ServiceHarness.of(new EchoSelectorService()).start()) {
            assertEquals(0, bench("127.0.0.1:" + echo.tcpPort(), "messages", "5", "size", "8m"));
            assertEquals(5L * (8 << 20), echo.counters().get("tcp.bytes.echoed"));
        }
    }

    @Test
    void durationAndWarmup() throws Exception {
        try (ServiceHarness echo = ServiceHarness.of(new EchoSelectorService()).start()) {
            assertEquals(0, bench("127.0.0.1:" + echo.tcpPort(), "connections", "4", "duration", "300ms", "warmup", "200ms"));
            double seconds = Double.parseDouble(field("messages").replaceAll(".* in ([\\d.]+) s", "$1"));
            assertTrue(seconds > 0.25 && seconds < 0.35, "measured " + seconds + " s of a 300ms run");
            assertFalse(client.err().contains("\r"), "no progress line redrawn when stderr is not a terminal");
            assertFalse(client.err().contains("   "), "nor padding to wipe one");
        }
    }

    @Test
    void aTerminalGetsALiveProgressLine() throws Exception {
        try (ServiceHarness echo = ServiceHarness.of(new EchoSelectorService()).start()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ClientInvocation call = new ClientInvocation(List.of("127.0.0.1:" + echo.tcpPort()),
                    Map.of("duration", List.of("1200ms")), Duration.ofSeconds(5), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true), new PrintStream(err, true), Clock.systemUTC(), true);
            assertEquals(0, new EchoBenchClient().run(call));
            assertTrue(err.toString().contains("\r") && err.toString().contains("msg/s"), "a progress line was drawn");
        }
    }

    @Test
    void aServerThatGoesAwayMidRunGetsAPartialReportAndOneAddress() throws Exception {
        try (ServerSocket quitter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = quitter.accept()) {
                    for (int i = 0; i < 5; i++) { // echoes five messages, then leaves
                        s.getOutputStream().write(s.getInputStream().readNBytes(10));
                    }
                } catch (IOException ignored) {
                    // the test checks what the client says
                }
            });
            String target = "127.0.0.1:" + quitter.getLocalPort();
            ClientException e = assertThrows(ClientException.class, () -> bench(target, "size", "10", "messages", "100"));
            assertEquals("connection 1 to " + target + " was closed by the server after 0 of 10 bytes of a message came back",
                    e.getMessage());
            assertTrue(client.out().startsWith("stopped:     early, after "), client::out);
            assertTrue(field("messages").startsWith("5 in "), client::out);
        }
    }

    @Test
    void aWrongEchoIsCaught() throws Exception {
        try (ServerSocket liar = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = liar.accept()) {
                    byte[] message = s.getInputStream().readNBytes(10);
                    message[3] ^= 1;
                    s.getOutputStream().write(message);
                    s.getInputStream().read(); // until the client gives up
                } catch (IOException ignored) {
                    // the test checks what the client says
                }
            });
            ClientException e = assertThrows(ClientException.class,
                    () -> bench("127.0.0.1:" + liar.getLocalPort(), "size", "10", "messages", "1"));
            assertTrue(e.getMessage().contains("differs from what was sent at byte 3"), e.getMessage());
        }
    }

    @Test
    void aRefusedConnectionIsExplained() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String target = "127.0.0.1:" + port;
        ClientException e = assertThrows(ClientException.class, () -> bench(target));
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void badOptionsAreUsageErrors() {
        List<String[]> bad = new ArrayList<>();
        bad.add(new String[] {"localhost"});                           // no port
        bad.add(new String[] {"localhost:7", "connections", "0"});
        bad.add(new String[] {"localhost:7", "size", "lots"});
        bad.add(new String[] {"localhost:7", "messages", "5", "duration", "1s"});
        for (String[] args : bad) {
            assertThrows(UsageException.class, () -> bench(args[0], Arrays.copyOfRange(args, 1, args.length)),
                    String.join(" ", args));
        }
    }
}
