package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No class loader survives its plugin: plugins replaced and removed while TCP and UDP clients keep
 * talking to them, on a first start that records the start cache (the case that used to keep every old
 * loader), and after a full collection ({@code jcmd GC.run}) none of the old loaders is left.
 */
class ClassLoaderIT {

    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static Path jar(Path plugins, String prefix) throws IOException {
        try (var jars = Files.list(plugins)) {
            return jars.filter(j -> j.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    private static boolean recording(Path home) {
        Path cache = home.resolve("var/cache");
        try (var files = Files.list(cache)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".ready"));
        } catch (IOException e) {
            return false; // not there yet
        }
    }

    @Test
    void everyOldLoaderIsCollectedAfterReplacementsAndRemovalsUnderTraffic() throws Exception {
        Path home = DistProcess.copyOfDistribution(tmp.resolve("netsvc"));
        Path plugins = home.resolve("plugins");
        List<String> args = new ArrayList<>(List.of("--set", "plugins.scan-interval=200ms", "--set", "netsvc.probation=1s"));
        for (String id : List.of("echo-blocking", "echo-selector", "echo-async", "qotd", "daytime", "time", "http")) {
            args.addAll(List.of("--set", id + ".port=0"));
        }
        try (DistProcess netsvc = DistProcess.launchIn(home, Map.of("NETSVC_START_CACHE", "on"), args.toArray(String[]::new))) {
            netsvc.awaitReady(T);
            Await.until(T, "this start records the start cache", () -> recording(home));
            int daytime = netsvc.port("daytime", "udp");
            int echo = netsvc.port("echo-selector", "tcp");
            AtomicBoolean going = new AtomicBoolean(true);
            AtomicInteger datagrams = new AtomicInteger();
            AtomicInteger echoes = new AtomicInteger();
            Thread udp = Thread.ofPlatform().start(() -> {
                try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    s.setSoTimeout(200);
                    byte[] in = new byte[512];
                    while (going.get()) {
                        s.send(new DatagramPacket(new byte[1], 1, new InetSocketAddress(InetAddress.getLoopbackAddress(), daytime)));
                        try {
                            s.receive(new DatagramPacket(in, in.length));
                            datagrams.incrementAndGet();
                        } catch (SocketTimeoutException e) {
                            // a datagram lost on the way: the next one asks again
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread tcp = Thread.ofPlatform().start(() -> {
                while (going.get()) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", echo), 2000);
                        s.getOutputStream().write('x');
                        if (s.getInputStream().read() == 'x') {
                            echoes.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // counted by what did not come back
                    }
                }
            });
            Await.until(T, "traffic flows", () -> datagrams.get() > 20 && echoes.get() > 20);

            // replace tcp-time (TCP and UDP) and echo-selector twice, remove qotd, while the clients go on
            for (String version : List.of("0.2.0", "0.3.0")) {
                for (String plugin : List.of("tcp-time", "echo-selector")) {
                    Path next = LivePluginsIT.rebuilt(jar(plugins, plugin), version, 0, tmp.resolve(plugin + "-" + version + ".jar"));
                    Files.copy(next, jar(plugins, plugin), StandardCopyOption.REPLACE_EXISTING);
                    netsvc.awaitLine(T, Pattern.compile("plugin " + plugin + ": .* replaced by " + version));
                }
            }
            Files.delete(jar(plugins, "udp-qotd"));
            netsvc.awaitLine(T, Pattern.compile("plugin udp-qotd .* removed"));
            int before = datagrams.get() + echoes.get();
            Await.until(T, "traffic still flows", () -> datagrams.get() + echoes.get() > before + 40);
            going.set(false);
            udp.join(T);
            tcp.join(T);

            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Await.until(T, () -> "every unloaded plugin's class loader collected\n" + netsvc.control("status", "--json").stdout()
                    + "\n" + netsvc.output() + "\n--- threads\n" + Tools.run(T, new byte[0], jcmd, Long.toString(netsvc.pid()),
                    "Thread.print").stdout().lines().filter(l -> l.startsWith("\"")).collect(java.util.stream.Collectors.joining("\n")), () -> {
                Tools.run(T, new byte[0], jcmd, Long.toString(netsvc.pid()), "GC.run");
                return netsvc.control("status", "--json").stdout().contains("\"classLoadersAwaitingCollection\":0");
            });
            String status = netsvc.control("status", "--json").stdout();
            assertTrue(status.contains("\"deploys\":11"), "7 at start, 4 replacements:\n" + status);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }
}
