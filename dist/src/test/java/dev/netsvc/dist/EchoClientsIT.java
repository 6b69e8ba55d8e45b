package dev.netsvc.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc call echo} and {@code netsvc bench echo} from the distribution, against all three echo servers. */
class EchoClientsIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final List<String> SERVERS = List.of("echo-blocking", "echo-selector", "echo-async");
    private static DistProcess netsvc;

    @BeforeAll
    static void start() {
        netsvc = DistProcess.run("--enable", String.join(",", SERVERS), "--set", "echo-blocking.port=0",
                "--set", "echo-selector.port=0", "--set", "echo-async.port=0");
    }

    @AfterAll
    static void stop() {
        assertEquals(0, netsvc.terminate(T), netsvc::output);
    }

    private static String target(String server) {
        return "127.0.0.1:" + netsvc.port(server, "tcp");
    }

    @Test
    void callEchoPrintsTheMessageBack() {
        for (String server : SERVERS) {
            DistProcess.Result r = DistProcess.exec(T, "call", "echo", target(server), "hello from " + server);
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("hello from " + server, r.stdout(), r::toString);
        }
    }

    @Test
    void callEchoDashStreamsStandardInputOfAnySize() {
        StringBuilder text = new StringBuilder();
        String filler = "x".repeat(1000);
        for (int i = 0; text.length() < 4 << 20; i++) { // 4 MiB: more than the socket buffers hold
            text.append("line ").append(i).append(' ').append(filler).append('\n');
        }
        byte[] input = text.toString().getBytes(StandardCharsets.US_ASCII);
        DistProcess.Result r = DistProcess.exec(T, input, "call", "echo", target("echo-selector"), "-");
        assertEquals(0, r.exitCode(), () -> "exit " + r.exitCode() + "\n" + r.stderr());
        assertEquals(text.toString().strip(), r.stdout(), "every line came back, in order");
    }

    @Test
    void callEchoExplainsARefusedConnection() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        DistProcess.Result r = DistProcess.exec(T, "call", "echo", "127.0.0.1:" + port, "anyone?");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("connection refused by 127.0.0.1:" + port), r::toString);
        assertTrue(r.stderr().contains("hint:"), r::toString);
    }

    @Test
    void callEchoWithoutAHostIsAUsageError() {
        DistProcess.Result r = DistProcess.exec(T, "call", "echo");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("usage: netsvc call echo HOST[:PORT] [MESSAGE | -]"), r::toString);
    }

    @Test
    void benchEchoLoadsEveryServer() {
        for (String server : SERVERS) {
            DistProcess.Result r = DistProcess.exec(T, "bench", "echo", target(server), "--connections", "50",
                    "--messages", "5000", "--size", "64");
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stdout().contains("messages:    5000 in "), r::toString);
            assertTrue(r.stdout().matches("(?s).*messages/s:\\s+\\d+.*MB/s:\\s+[\\d.]+.*latency:\\s+p50 .* p99 .* p99\\.9 .*"),
                    r::toString);
        }
    }

    @Test
    void benchEchoNeedsAPort() {
        DistProcess.Result r = DistProcess.exec(T, "bench", "echo", "localhost");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("give the server's port"), r::toString);
    }
}
