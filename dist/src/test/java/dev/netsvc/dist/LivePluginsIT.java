package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live plugins folder against the distribution: a jar copied in slowly, added and removed under load,
 * replaced under load (http under ab, echo under streaming clients), and replacements that fail.
 */
class LivePluginsIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final List<String> SERVICES = List.of("echo-blocking", "echo-selector", "echo-async", "qotd", "daytime",
            "time", "http");

    /** A plugins folder with the distribution's jars except those whose names start with {@code leaveOut}. */
    private static Path plugins(Path tmp, String... leaveOut) throws IOException {
        Path dir = DistProcess.copyOfPlugins(tmp);
        try (var jars = Files.list(dir)) {
            for (Path jar : jars.toList()) {
                if (Arrays.stream(leaveOut).anyMatch(p -> jar.getFileName().toString().startsWith(p))) {
                    Files.delete(jar);
                }
            }
        }
        return dir;
    }

    private static Path jar(Path plugins, String prefix) throws IOException {
        try (var jars = Files.list(plugins)) {
            return jars.filter(j -> j.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    /** A configuration file giving port 0 to {@code ids}. */
    private static Path conf(Path tmp, List<String> ids, String... more) throws IOException {
        List<String> lines = new ArrayList<>();
        ids.forEach(id -> lines.add(id + ".port=0"));
        lines.addAll(Arrays.asList(more));
        return Files.write(tmp.resolve("test.properties"), lines);
    }

    /** A copy of {@code jar} with another Plugin-Version and, optionally, {@code padding} bytes of stored noise. */
    static Path rebuilt(Path jar, String version, int padding, Path out) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Plugin-Version", version);
            try (JarOutputStream zip = new JarOutputStream(Files.newOutputStream(out), mf)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    zip.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
                if (padding > 0) {
                    byte[] noise = new byte[padding];
                    new Random(7).nextBytes(noise);
                    ZipEntry pad = new ZipEntry("padding.bin");
                    pad.setMethod(ZipEntry.STORED);
                    pad.setSize(noise.length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(noise);
                    pad.setCrc(crc.getValue());
                    zip.putNextEntry(pad);
                    zip.write(noise);
                    zip.closeEntry();
                }
            }
        }
        return out;
    }

    private static String askLine(int port, String send) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            if (send != null) {
                s.getOutputStream().write((send + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static Process ab(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Tools.require("ab")));
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finish(Process ab) throws Exception {
        byte[] out = ab.getInputStream().readAllBytes();
        assertTrue(ab.waitFor(120, TimeUnit.SECONDS), "ab finished");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, ab.exitValue(), text);
        return text;
    }

    private static void assertNoFailures(String ab, DistProcess netsvc) {
        assertTrue(ab.contains("Failed requests:        0") && !ab.contains("Non-2xx responses"),
                () -> ab + "\n--- netsvc\n" + netsvc.output());
    }

    @Test
    void aJarCopiedSlowlyLoadsOnceCompleteAndAnotherServiceNeverNoticesAddAndRemove(@TempDir Path tmp) throws Exception {
        Path plugins = plugins(tmp, "tcp-time");
        Path big = rebuilt(jar(DistProcess.home().resolve("plugins"), "tcp-time"), "0.2.0", 1 << 20, tmp.resolve("tcp-time.jar"));
        Path conf = conf(tmp, List.of("echo-blocking", "echo-selector", "echo-async", "qotd", "http"));
        try (DistProcess netsvc = DistProcess.run("-p", plugins.toString(), "--config", conf.toString())) {
            // the new plugin's keys go into the configuration file, which a deploy reads again
            Files.writeString(conf, "daytime.port=0\ntime.port=0\n", java.nio.file.StandardOpenOption.APPEND);

            byte[] bytes = Files.readAllBytes(big);
            Path target = plugins.resolve("tcp-time.jar");
            long pieces = (bytes.length + 65535) / 65536;
            long pause = 2000 / pieces;
            try (OutputStream out = Files.newOutputStream(target)) {
                for (int off = 0; off < bytes.length; off += 65536) {
                    out.write(bytes, off, Math.min(65536, bytes.length - off));
                    out.flush();
                    Thread.sleep(pause); // pacing a slow copy, as a slow disk or network would; not synchronisation
                }
            }
            assertTrue(netsvc.stderrLines().stream().noneMatch(l -> l.contains("tcp-time")),
                    () -> "nothing about tcp-time before the copy finished:\n" + netsvc.output());
            try {
                Await.until(Duration.ofSeconds(2), "daytime serving within 2 s of the copy finishing", () -> daytimeAnswers(netsvc));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + netsvc.output(), e);
            }
            // logged once its services run, a moment after daytime answers
            netsvc.awaitLine(T, Pattern.compile("plugin tcp-time 0.2.0 loaded from tcp-time.jar"));
            assertFalse(netsvc.output().contains("plugin jar tcp-time.jar"), netsvc.output());

            // removed and added again while ab -k runs against http: not one request of it fails
            int http = netsvc.port("http", "tcp");
            Process ab = ab("-k", "-c", "4", "-t", "8", "-n", "1000000", "http://127.0.0.1:" + http + "/");
            int daytime = netsvc.port("daytime", "tcp");
            Files.delete(target);
            netsvc.awaitLine(T, Pattern.compile("plugin tcp-time 0.2.0 removed"));
            assertThrows(ConnectException.class, () -> askLine(daytime, null), "daytime stopped with its plugin");
            Files.copy(big, plugins.resolve("tcp-time.jar.part"));
            Files.move(plugins.resolve("tcp-time.jar.part"), target, StandardCopyOption.ATOMIC_MOVE);
            netsvc.awaitLines(T, Pattern.compile("plugin tcp-time 0.2.0 loaded from tcp-time.jar"), 2);
            Await.until(T, "daytime serving again", () -> daytimeAnswers(netsvc));
            boolean abStillRunning = ab.isAlive();
            String result = finish(ab);
            assertTrue(abStillRunning, "ab ran through the add and remove; it ended first:\n" + result);
            assertNoFailures(result, netsvc);

            DistProcess.Result status = netsvc.control("status", "--json");
            // six plugins loaded at start, then tcp-time twice
            assertTrue(status.stdout().contains("\"deploys\":8,\"failedDeploys\":0"), status.stdout());
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void withWatchingOffReloadRescansTheFolderAndARemovedPluginsClassLoaderIsCollected(@TempDir Path tmp) throws Exception {
        Path plugins = plugins(tmp, "tcp-time");
        Path conf = conf(tmp, List.of("echo-blocking", "echo-selector", "echo-async", "qotd", "http"),
                "plugins.watch=false");
        try (DistProcess netsvc = DistProcess.run("-p", plugins.toString(), "--config", conf.toString())) {
            Files.writeString(conf, "daytime.port=0\ntime.port=0\n", java.nio.file.StandardOpenOption.APPEND);
            Files.copy(jar(DistProcess.home().resolve("plugins"), "tcp-time"), plugins.resolve("tcp-time-0.1.0.jar"));

            DistProcess.Result added = netsvc.control("reload");
            assertEquals(0, added.exitCode(), () -> added + "\n" + netsvc.output());
            assertTrue(added.stdout().contains("plugin tcp-time 0.1.0 loaded from tcp-time-0.1.0.jar"), () -> added + "\n" + netsvc.output());
            assertTrue(daytimeAnswers(netsvc), "daytime serves as soon as reload returns\n" + netsvc.output());

            Files.delete(plugins.resolve("tcp-time-0.1.0.jar"));
            // the plugin goes; its keys, left in the file, wait for it and block nothing
            DistProcess.Result removed = netsvc.control("reload");
            assertEquals(0, removed.exitCode(), removed::toString);
            assertTrue(removed.stdout().contains("plugin tcp-time 0.1.0 removed"), removed::toString);
            assertTrue(removed.stdout().contains("keys for daytime (daytime.port in --config " + conf + ") are kept"), removed::toString);
            Await.until(T, "daytime stopped", () -> {
                try {
                    askLine(netsvc.port("daytime", "tcp"), null);
                    return false;
                } catch (ConnectException e) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });

            // the unloaded plugin's class loader goes with the next full collections
            Await.until(T, "the removed plugin's class loader collected", () -> {
                fullGc(netsvc);
                return netsvc.control("status", "--json").stdout().contains("\"classLoadersAwaitingCollection\":0");
            });
            assertTrue(netsvc.control("status", "--json").stdout().contains("\"deploys\":7,\"failedDeploys\":0"),
                    netsvc::output);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    /** A full GC in the host, through the jcmd beside the java that runs it. */
    private static void fullGc(DistProcess netsvc) {
        Path java = Path.of(ProcessHandle.of(netsvc.pid()).orElseThrow().info().command().orElseThrow());
        try {
            Process jcmd = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(netsvc.pid()), "GC.run")
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jcmd.waitFor(30, TimeUnit.SECONDS) && jcmd.exitValue() == 0, "jcmd GC.run: " + out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean daytimeAnswers(DistProcess netsvc) {
        try {
            return netsvc.stderrLines().stream().anyMatch(l -> l.matches(".* daytime listening on tcp .*"))
                    && askLine(netsvc.port("daytime", "tcp"), null) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Test
    void replacingHttpUnderAbFailsNoRequest(@TempDir Path tmp) throws Exception {
        Path plugins = plugins(tmp);
        Path next = rebuilt(jar(plugins, "http-raw"), "0.9.0", 0, tmp.resolve("next.jar"));
        Path conf = conf(tmp, SERVICES, "plugins.scan-interval=200ms", "netsvc.shutdown-grace=30s");
        try (DistProcess netsvc = DistProcess.run("-p", plugins.toString(), "--config", conf.toString())) {
            int http = netsvc.port("http", "tcp");
            // enough requests that ab is still running when the swap is done, on a fast machine too
            Process ab = ab("-n", "100000", "-c", "50", "-k", "http://127.0.0.1:" + http + "/");
            Await.until(T, "ab under way", () -> netsvc.control("status", "--json").stdout()
                    .matches("(?s).*\"id\":\"http\".*\"tcp.connections.accepted\":[1-9].*"));
            Files.copy(next, jar(plugins, "http-raw"), StandardCopyOption.REPLACE_EXISTING);
            netsvc.awaitLines(T, Pattern.compile(" http listening on tcp "), 2); // the new version accepts
            boolean abStillRunning = ab.isAlive();
            String result = finish(ab);
            netsvc.awaitLine(T, Pattern.compile("plugin http-raw: .* replaced by 0.9.0"));
            assertTrue(abStillRunning, "ab ran through the swap; it ended first:\n" + result);
            assertNoFailures(result, netsvc);
            assertTrue(result.contains("Complete requests:      100000"), result);
            assertEquals(http, netsvc.port("http", "tcp"), "the same port");
            assertTrue(netsvc.control("status").stdout().contains("http-raw 0.9.0"), netsvc.output());
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void replacingEchoBlockingWhileClientsStreamEchoesEveryByte(@TempDir Path tmp) throws Exception {
        replaceWhileClientsStream(tmp, "echo-blocking", "echo-blocking");
    }

    @Test
    void replacingEchoAsyncWhileClientsStreamEchoesEveryByte(@TempDir Path tmp) throws Exception {
        replaceWhileClientsStream(tmp, "echo-async", "echo-async"); // NIO.2: the host holds its listener and group
    }

    // Replaces the plugin's jar while 4 clients stream through the echo service: no reset, every byte echoed.
    private static void replaceWhileClientsStream(Path tmp, String plugin, String service) throws Exception {
        Path plugins = plugins(tmp);
        Path next = rebuilt(jar(plugins, plugin), "0.9.0", 0, tmp.resolve("next.jar"));
        Path conf = conf(tmp, SERVICES, "plugins.scan-interval=200ms", "netsvc.shutdown-grace=30s");
        try (DistProcess netsvc = DistProcess.run("-p", plugins.toString(), "--config", conf.toString())) {
            int port = netsvc.port(service, "tcp");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<byte[][]>> clients = new ArrayList<>();
                java.util.concurrent.CountDownLatch streaming = new java.util.concurrent.CountDownLatch(4);
                for (int c = 0; c < 4; c++) {
                    int seed = c;
                    clients.add(pool.submit(() -> stream(port, seed, streaming, pool)));
                }
                assertTrue(streaming.await(30, TimeUnit.SECONDS), "clients streaming");
                Files.copy(next, jar(plugins, plugin), StandardCopyOption.REPLACE_EXISTING);
                netsvc.awaitLines(T, Pattern.compile(" " + service + " listening on tcp "), 2); // the new version accepts
                // new connections reach the new version while the old ones stream on
                assertEquals("late", askEcho(port, "late"));
                for (Future<byte[][]> client : clients) {
                    byte[][] sentAndEchoed = client.get(120, TimeUnit.SECONDS);
                    assertArrayEquals(sentAndEchoed[0], sentAndEchoed[1], "every byte echoed, in order");
                }
                netsvc.awaitLine(T, Pattern.compile("plugin " + plugin + ": .* replaced by 0.9.0"));
                assertEquals("after", askEcho(port, "after"), "the new version serves alone");
                assertTrue(netsvc.control("status").stdout().contains(plugin + " 0.9.0"), netsvc.output());
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void replacingDaytimeWhileAUdpClientAsksAnswersEveryRequest(@TempDir Path tmp) throws Exception {
        Path plugins = plugins(tmp);
        Path next = rebuilt(jar(plugins, "tcp-time"), "0.9.0", 0, tmp.resolve("next.jar"));
        // the guard's rate limit would drop a client that asks without pause: this one may
        Path conf = conf(tmp, SERVICES, "plugins.scan-interval=200ms", "netsvc.shutdown-grace=30s",
                "daytime.udp-rate=1000000", "daytime.udp-burst=1000000", "daytime.udp-global-rate=10000000");
        try (DistProcess netsvc = DistProcess.run("-p", plugins.toString(), "--config", conf.toString());
             java.net.DatagramSocket client = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = netsvc.port("daytime", "udp");
            client.connect(new InetSocketAddress("127.0.0.1", port));
            client.setSoTimeout(5000); // one unanswered request fails the test: no retries
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean replaced = new java.util.concurrent.atomic.AtomicBoolean();
            Future<?> asking;
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                asking = pool.submit(() -> {
                    byte[] reply = new byte[512];
                    long deadline = System.nanoTime() + T.toNanos();
                    int afterSwap = 0;
                    while (afterSwap < 200 && System.nanoTime() < deadline) { // bounded: by count after the swap and time
                        client.send(new java.net.DatagramPacket(new byte[] {'?'}, 1)); // a connected socket sends no empty one
                        java.net.DatagramPacket answer = new java.net.DatagramPacket(reply, reply.length);
                        client.receive(answer); // SocketTimeoutException: a request went unanswered
                        assertTrue(answer.getLength() > 0, "a daytime line");
                        asked.incrementAndGet();
                        if (replaced.get()) {
                            afterSwap++;
                        }
                    }
                    return null;
                });
                Await.until(T, "the client is answered", () -> asked.get() > 50 || asking.isDone());
                assertFalse(asking.isDone(), () -> "the client stopped: " + failure(asking));
                Files.copy(next, jar(plugins, "tcp-time"), StandardCopyOption.REPLACE_EXISTING);
                netsvc.awaitLine(T, Pattern.compile("plugin tcp-time: .* replaced by 0.9.0"));
                replaced.set(true);
                asking.get(120, TimeUnit.SECONDS); // it asked from before the copy until 200 answers after the swap
            } finally {
                pool.shutdownNow();
            }
            assertEquals(port, netsvc.port("daytime", "udp"), "the same port");
            assertTrue(netsvc.control("status").stdout().contains("tcp-time 0.9.0"), netsvc.output());
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    private static String failure(Future<?> done) {
        try {
            done.get();
            return "without failing";
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String askEcho(int port, String text) throws IOException {
        return askLine(port, text);
    }

    // Streams 6 MB in 16 KB writes over about 3 s while another thread reads the echo back; a reset fails it.
    private static byte[][] stream(int port, int seed, java.util.concurrent.CountDownLatch streaming, ExecutorService pool)
            throws Exception {
        byte[] data = new byte[6 << 20];
        new Random(seed).nextBytes(data);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            Future<byte[]> reader = pool.submit((Callable<byte[]>) in::readAllBytes);
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < data.length; off += 16384) {
                out.write(data, off, 16384);
                if (off == 16384 * 8) {
                    streaming.countDown();
                }
                if (off % (16384 * 8) == 0) {
                    Thread.sleep(60); // pacing so the stream spans the swap; not synchronisation
                }
            }
            s.shutdownOutput();
            return new byte[][] {data, reader.get(60, TimeUnit.SECONDS)};
        }
    }

    @Test
    void aCorruptReplacementAndOneThatThrowsInStartLeaveTheOldServing(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path faults = FaultPlugin.build(tmp, plugins);
        Files.copy(jar(DistProcess.home().resolve("plugins"), "echo-blocking"), plugins.resolve("echo-blocking.jar"));
        Path conf = conf(tmp, List.of("flaky-start", "echo-blocking"), "flaky-start.fail-starts=1", "throws.enabled=false", "dies.enabled=false",
                "hangs-stop.enabled=false", "leaks-thread.enabled=false", "overflow.enabled=false",
                "plugins.scan-interval=200ms");
        Path throwing = rebuilt(faults, "2.0.0", 0, tmp.resolve("faults-2.jar")); // a new instance: its first start throws
        try (DistProcess netsvc = DistProcess.launch("-p", plugins.toString(), "--config", conf.toString())) {
            netsvc.awaitLine(T, Pattern.compile(" flaky-start listening on tcp "));
            int port = netsvc.port("flaky-start", "tcp");
            assertEquals("ok one", askLine(port, "one"));

            Files.write(faults, "not a jar at all".getBytes(StandardCharsets.US_ASCII));
            netsvc.awaitLine(T, Pattern.compile("plugin jar faults-1.0.0.jar: cannot be loaded: not a valid jar file"));
            assertEquals("ok two", askLine(port, "two"));

            Files.copy(throwing, faults, StandardCopyOption.REPLACE_EXISTING);
            netsvc.awaitLine(T, Pattern.compile("plugin jar faults-1.0.0.jar: .*flaky start 1 of 1 fails on purpose"
                    + ".*; 1.0.0 from faults-1.0.0.jar keeps serving"));
            assertEquals("ok three", askLine(port, "three"));
            assertTrue(netsvc.control("status").stdout().contains("faults 1.0.0"), netsvc.output());
            assertTrue(netsvc.control("status", "--json").stdout().contains("\"deploys\":2,\"failedDeploys\":2"),
                    netsvc.output());
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void aReplacementWhoseServiceDiesWithinSecondsGivesWayToTheOldVersion(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path faults = FaultPlugin.build(tmp, plugins);
        Path conf = conf(tmp, List.of("dies"), "dies.after=3", "flaky-start.enabled=false", "throws.enabled=false",
                "hangs-stop.enabled=false", "leaks-thread.enabled=false", "overflow.enabled=false",
                "plugins.scan-interval=200ms");
        Path next = rebuilt(faults, "2.0.0", 0, tmp.resolve("faults-2.jar"));
        try (DistProcess netsvc = DistProcess.launch("-p", plugins.toString(), "--config", conf.toString())) {
            netsvc.awaitLine(T, Pattern.compile(" dies listening on tcp "));
            int port = netsvc.port("dies", "tcp");
            assertEquals("ok one", askLine(port, "one")); // 1.0.0's first connection of three

            Files.copy(next, faults, StandardCopyOption.REPLACE_EXISTING);
            netsvc.awaitLine(T, Pattern.compile("plugin faults: 1.0.0 replaced by 2.0.0"));
            assertEquals("ok a", askLine(port, "a"));
            assertEquals("ok b", askLine(port, "b"));
            askLine(port, "c"); // 2.0.0's third connection: its accept loop dies
            netsvc.awaitLine(T, Pattern.compile("plugin jar faults-1.0.0.jar: 2.0.0 died \\d+ s after replacing 1.0.0"
                    + " \\(dies: accept loop lost on purpose after 3 connections\\); 1.0.0 from faults-1.0.0.jar serves again"));
            assertEquals("ok back", askLine(port, "back"), "1.0.0 serves again, on the same port");
            assertTrue(netsvc.control("status").stdout().contains("faults 1.0.0"), netsvc.output());
            assertTrue(netsvc.control("status", "--json").stdout().contains("\"deploys\":2,\"failedDeploys\":1"),
                    netsvc.output());
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }
}
