package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 2,000 clients that stop mid-handshake at once, on each engine: memory stays bounded, another client is
 * served meanwhile, and every one of them is closed at the handshake timeout.
 */
class TlsFloodIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int STALLED = 2000;
    /** What 2,000 half-done handshakes may add to the process's resident memory. */
    private static final long BOUND_BYTES = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void twoThousandStalledHandshakesPerEngineAreBoundedAndClosedAtTheTimeout() throws Exception {
        TlsFiles tls = TlsFiles.in(dir);
        List<String> args = new ArrayList<>(List.of("-e", "echo-blocking,echo-selector,echo-async"));
        for (String id : List.of("echo-blocking", "echo-selector", "echo-async")) {
            args.addAll(List.of("--set", id + ".port=0", "--set", id + ".tls.handshake-timeout=8s"));
            args.addAll(tls.settings(id));
        }
        try (DistProcess netsvc = DistProcess.run(args.toArray(String[]::new))) {
            for (String id : List.of("echo-blocking", "echo-selector", "echo-async")) {
                int port = netsvc.port(id, "tcp");
                long before = rss(netsvc.pid());
                List<Socket> stalled = new ArrayList<>();
                try {
                    for (int i = 0; i < STALLED; i++) {
                        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                        s.setSoTimeout((int) WAIT.toMillis());
                        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00}); // a ClientHello's start
                        stalled.add(s);
                    }
                    DistProcess.Result served = DistProcess.exec(WAIT, "call", "echo", "localhost:" + port, "served", "--tls",
                            "--cacert", tls.caFile().toString());
                    assertEquals("served", served.stdout(), id + ": another client is served meanwhile: " + served);
                    long grown = rss(netsvc.pid()) - before;
                    assertTrue(grown < BOUND_BYTES, id + ": " + STALLED + " stalled handshakes took " + (grown >> 20) + " MiB");
                    for (Socket s : stalled) {
                        assertTrue(TlsIT.ends(s), id + ": closed at the handshake timeout");
                    }
                } finally {
                    for (Socket s : stalled) {
                        s.close();
                    }
                }
                Await.until(WAIT, id + ": every stalled handshake counted", () -> TlsIT.metrics(netsvc).contains(
                        "netsvc_tls_handshake_failures_total{reason=\"timeout\",service=\"" + id + "\"} " + STALLED + ".0"));
            }
        }
    }

    /** The resident memory of process {@code pid}, in bytes (Linux). */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }
}
