package dev.netsvc.dist;

import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.SourceAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HAProxy (Debian's) in front of one netsvc, as operators run it: with {@code send-proxy-v2} (http) and
 * {@code send-proxy} (echo-blocking), the access log and {@code only-from} see the client's own address
 * (clients bound to 127.0.0.2 and 127.0.0.3), not HAProxy's; a connection that does not come from a
 * balancer in {@code proxy-from} is refused and counted with reason {@code proxy}.
 */
class ProxyProtocolIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void behindHaproxyTheAccessLogAndOnlyFromSeeTheClientsOwnAddress() throws Exception {
        Path log = dir.resolve("access.log");
        try (DistProcess netsvc = DistProcess.run("-e", "http,echo-blocking",
                "--set", "http.port=0", "--set", "http.proxy-protocol=v2", "--set", "http.proxy-from=127.0.0.1",
                "--set", "http.only-from=127.0.0.2", "--set", "http.access-log-file=" + log,
                "--set", "echo-blocking.port=0", "--set", "echo-blocking.proxy-protocol=any",
                "--set", "echo-blocking.proxy-from=127.0.0.1/32", "--set", "echo-blocking.only-from=127.0.0.3");
             Haproxy haproxy = Haproxy.start(dir, """
                     frontend web
                         bind 127.0.0.1:%1$d
                         default_backend netsvc_http
                     backend netsvc_http
                         server one 127.0.0.1:%3$d send-proxy-v2
                     frontend echo
                         bind 127.0.0.1:%2$d
                         default_backend netsvc_echo
                     backend netsvc_echo
                         server one 127.0.0.1:%4$d send-proxy
                     """, netsvc.port("http", "tcp"), netsvc.port("echo-blocking", "tcp"))) {
            String curl = Tools.require("curl");
            String url = "http://127.0.0.1:" + haproxy.port(0) + "/";
            DistProcess.Result allowed = Tools.run(WAIT, new byte[0], curl, "-sS", "--interface", "127.0.0.2", "-o", "/dev/null",
                    "-w", "%{http_code}", url);
            assertEquals("200", allowed.stdout(), allowed::toString);
            DistProcess.Result refused = Tools.run(WAIT, new byte[0], curl, "-sS", "--interface", "127.0.0.3", "-o", "/dev/null",
                    "-w", "%{http_code}", url);
            assertTrue(refused.exitCode() != 0 || !refused.stdout().equals("200"), "only-from judged 127.0.0.3: " + refused);
            netsvc.awaitLine(WAIT, Pattern.compile("refused connections from 127\\.0\\.0\\.3 \\(acl\\)"));
            Await.until(WAIT, () -> "a line in " + log, () -> lines(log).size() == 1);
            assertTrue(lines(log).get(0).startsWith("127.0.0.2 - - ["), lines(log).toString());

            InetSocketAddress echo = new InetSocketAddress(InetAddress.getLoopbackAddress(), haproxy.port(1));
            try (Socket client = SourceAddress.connectFrom("127.0.0.3", echo)) {
                client.setSoTimeout((int) WAIT.toMillis());
                client.getOutputStream().write("through haproxy\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("through haproxy\n", new String(client.getInputStream().readNBytes(16), StandardCharsets.US_ASCII));
            }
            try (Socket client = SourceAddress.connectFrom("127.0.0.2", echo)) {
                client.setSoTimeout((int) WAIT.toMillis());
                client.getOutputStream().write('x');
                assertEquals(-1, readOrReset(client), "echo-blocking's only-from judged 127.0.0.2");
            }
            Await.until(WAIT, "refusals counted by the client's address", () -> TlsIT.metrics(netsvc).matches(
                    "(?s).*netsvc_connections_refused_total\\{reason=\"acl\",service=\"echo-blocking\",transport=\"tcp\"} 1\\.0.*"));
        }
    }

    @Test
    void aConnectionFromOutsideProxyFromIsRefusedAndCounted() throws Exception {
        try (DistProcess netsvc = DistProcess.run("-e", "echo-selector", "--set", "echo-selector.port=0",
                "--set", "echo-selector.proxy-protocol=v2", "--set", "echo-selector.proxy-from=127.0.0.9")) {
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), netsvc.port("echo-selector", "tcp"));
            assertTrue(SourceAddress.refused("127.0.0.4", server), "not a balancer");
            Await.until(WAIT, "counted", () -> {
                String m = TlsIT.metrics(netsvc);
                return m.contains("netsvc_connections_refused_total{reason=\"proxy\",service=\"echo-selector\",transport=\"tcp\"} 1.0")
                        && m.contains("netsvc_proxy_refused_total{reason=\"untrusted\",service=\"echo-selector\"} 1.0");
            });
            netsvc.awaitLine(WAIT, Pattern.compile("refused connections from 127\\.0\\.0\\.4 \\(proxy\\)"));
        }
    }

    private static int readOrReset(Socket socket) {
        try {
            return socket.getInputStream().read();
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * HAProxy in the foreground, in TCP mode, on ports found free just before it starts (it cannot report a
     * port 0 back); tried again on other ports if one was taken meanwhile.
     */
    static final class Haproxy implements AutoCloseable {
        private final Process process;
        private final int[] ports;

        private Haproxy(Process process, int[] ports) {
            this.process = process;
            this.ports = ports;
        }

        /** {@code frontends}: the configuration after the defaults, with %1$d, %2$d the frontends' ports and %3$d... the backends'. */
        static Haproxy start(Path dir, String frontends, int... backends) throws Exception {
            String haproxy = Tools.require("haproxy");
            for (int attempt = 0; attempt < 5; attempt++) {
                int[] ports = {freePort(), freePort()};
                Object[] args = new Object[2 + backends.length];
                args[0] = ports[0];
                args[1] = ports[1];
                for (int i = 0; i < backends.length; i++) {
                    args[2 + i] = backends[i];
                }
                Path config = dir.resolve("haproxy.cfg");
                Files.writeString(config, """
                        global
                            maxconn 4096
                        defaults
                            mode tcp
                            timeout connect 5s
                            timeout client 60s
                            timeout server 60s
                        """ + String.format(frontends, args));
                Process p = new ProcessBuilder(haproxy, "-f", config.toString(), "-db").redirectErrorStream(true)
                        .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
                Haproxy h = new Haproxy(p, ports);
                if (h.awaitListening()) {
                    return h;
                }
                h.close();
            }
            throw new AssertionError("haproxy did not start: " + Files.readString(dir.resolve("haproxy.log")));
        }

        int port(int frontend) {
            return ports[frontend];
        }

        private boolean awaitListening() {
            try {
                Await.until(Duration.ofSeconds(20), "haproxy listening", () -> !process.isAlive() || listening(ports[0]));
            } catch (AssertionError e) {
                return false;
            }
            return process.isAlive();
        }

        private static boolean listening(int port) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
