package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three instances of netsvc behind HAProxy, as operators scale out: {@code send-proxy-v2} to each, health
 * checks on each one's {@code /readyz}; all three restarted one at a time (SIGTERM, the drain, a new
 * process on the same ports) while {@code ab -k} and {@code ab} run through HAProxy: no request fails, and
 * the instances see the clients' own addresses.
 */
class RollingRestartIT {

    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aRollingRestartOfThreeInstancesBehindHaproxyFailsNoRequest() throws Exception {
        String ab = Tools.require("ab");
        String curl = Tools.require("curl");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "one of three\n");
        List<DistProcess> instances = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                instances.add(DistProcess.run(args(www, i, 0, 0)));
            }
            int[] http = instances.stream().mapToInt(p -> p.port("http", "tcp")).toArray();
            int[] admin = instances.stream().mapToInt(p -> p.adminUri().getPort()).toArray();
            try (ProxyProtocolIT.Haproxy haproxy = ProxyProtocolIT.Haproxy.start(dir, """
                    frontend web
                        bind 127.0.0.1:%1$d
                        default_backend netsvc
                    backend netsvc
                        balance roundrobin
                        option httpchk GET /readyz
                        retries 3
                        option redispatch
                        default-server inter 200ms fall 2 rise 2 send-proxy-v2
                        server a 127.0.0.1:%3$d check port %6$d
                        server b 127.0.0.1:%4$d check port %7$d
                        server c 127.0.0.1:%5$d check port %8$d
                    """, http[0], http[1], http[2], admin[0], admin[1], admin[2])) {
                String url = "http://127.0.0.1:" + haproxy.port(0) + "/index.html";
                AtomicBoolean rolling = new AtomicBoolean(true);
                Load kept = Load.start(rolling, ab, "-k", "-n", "4000", "-c", "8", url);
                Load closing = Load.start(rolling, ab, "-n", "1000", "-c", "4", url);
                Await.until(T, "both loads under way", () -> kept.complete() > 0 && closing.complete() > 0);

                for (int i = 0; i < 3; i++) {
                    DistProcess old = instances.get(i);
                    old.signal("TERM");
                    assertEquals(0, old.awaitExit(T), old.output());
                    assertTrue(old.output().contains("netsvc draining on SIGTERM"), old.output());
                    instances.set(i, DistProcess.run(args(www, i, http[i], admin[i])));
                    assertEquals(http[i], instances.get(i).port("http", "tcp"), "the new instance on the old one's port");
                    int instance = i;
                    Await.until(T, "the new instance " + i + " gets traffic through haproxy", () -> accessLogLines(instance) > 0);
                }
                rolling.set(false);
                kept.finish();
                closing.finish();
                assertEquals(0, kept.failed(), kept::summary);
                assertEquals(0, closing.failed(), closing::summary);
                assertTrue(kept.complete() > 0 && closing.complete() > 0, kept.summary() + closing.summary());

                // the clients' own addresses, from the PROXY header: only-from admits 127.0.0.2, not 127.0.0.3
                DistProcess.Result allowed = Tools.run(T, new byte[0], curl, "-sS", "--interface", "127.0.0.2", "-o", "/dev/null",
                        "-w", "%{http_code}", url);
                assertEquals("200", allowed.stdout(), allowed::toString);
                DistProcess.Result refused = Tools.run(T, new byte[0], curl, "-sS", "--interface", "127.0.0.3", "-o", "/dev/null",
                        "-w", "%{http_code}", url);
                assertTrue(refused.exitCode() != 0 || !refused.stdout().equals("200"), "only-from judged 127.0.0.3: " + refused);
                Await.until(T, "127.0.0.2 in an access log", () -> anyAccessLogHas("127.0.0.2 - - ["));
                assertTrue(!anyAccessLogHas("127.0.0.3 "), "127.0.0.3 was refused before any request");
            }
        } finally {
            instances.forEach(DistProcess::close);
        }
    }

    private String[] args(Path www, int i, int httpPort, int adminPort) {
        return new String[] {"--enable", "http", "--set", "http.port=" + httpPort, "--set", "http.root=" + www,
                "--set", "http.proxy-protocol=v2", "--set", "http.proxy-from=127.0.0.1",
                "--set", "http.only-from=127.0.0.1,127.0.0.2",
                "--set", "http.access-log-file=" + dir.resolve("access-" + i + "-" + httpPort + ".log"),
                "--set", "netsvc.shutdown-drain-delay=2s", "--set", "admin.port=" + adminPort};
    }

    private long accessLogLines(int instance) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("access-" + instance + "-")
                            && !f.getFileName().toString().endsWith("-0.log"))
                    .mapToLong(RollingRestartIT::lines).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private boolean anyAccessLogHas(String text) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("access-")).anyMatch(f -> {
                try {
                    return Files.readString(f).contains(text);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static long lines(Path file) {
        try (var l = Files.lines(file)) {
            return l.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** ab run again and again until the restart is over, its rounds' figures added up. */
    private static final class Load {
        private static final Pattern COMPLETE = Pattern.compile("Complete requests:\\s+(\\d+)");
        private static final Pattern FAILED = Pattern.compile("Failed requests:\\s+(\\d+)");
        private static final Pattern NON_2XX = Pattern.compile("Non-2xx responses:\\s+(\\d+)");

        private final Thread thread;
        private final StringBuilder summary = new StringBuilder();
        private volatile long complete;
        private volatile long failed;

        private Load(AtomicBoolean going, String... command) {
            this.thread = Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 200 && going.get(); round++) {
                    DistProcess.Result r = Tools.run(T, new byte[0], command);
                    String out = r.stdout();
                    long c = figure(COMPLETE, out);
                    long f = figure(FAILED, out) + figure(NON_2XX, out) + (r.exitCode() == 0 ? 0 : 1);
                    synchronized (summary) {
                        if (f > 0) {
                            summary.append(out).append(r.stderr());
                        }
                    }
                    complete += c;
                    failed += f;
                }
            });
        }

        static Load start(AtomicBoolean going, String... command) {
            return new Load(going, command);
        }

        void finish() throws InterruptedException {
            assertTrue(thread.join(Duration.ofSeconds(120)), "ab ended its last round");
        }

        long complete() {
            return complete;
        }

        long failed() {
            return failed;
        }

        String summary() {
            synchronized (summary) {
                return "complete " + complete + ", failed " + failed + "\n" + summary;
            }
        }

        private static long figure(Pattern p, String text) {
            Matcher m = p.matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }
    }
}
