package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every change is a transaction, against the distribution as a child process: a reload (or a restart)
 * swaps what changed while clients keep working, a configuration that cannot be applied changes nothing,
 * and the exit status says which.
 */
class ReloadIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final long BIG = 200L << 20;

    @TempDir
    Path tmp;

    /** A document root: index.html says {@code text}; big.bin is 200 MiB (sparse). */
    private Path root(String name, String text, boolean big) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("index.html"), text);
        if (big) {
            try (FileChannel f = FileChannel.open(dir.resolve("big.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                f.write(ByteBuffer.wrap(new byte[] {1}), BIG - 1);
            }
        }
        return dir;
    }

    private Path conf(String... lines) throws IOException {
        Path file = tmp.resolve("site.properties");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private static Process ab(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Tools.require("ab")));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finish(Process p) throws Exception {
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        return new String(out, StandardCharsets.UTF_8);
    }

    private static void assertNoFailures(String ab, DistProcess netsvc) {
        assertTrue(ab.contains("Failed requests:        0") && !ab.contains("Non-2xx responses"),
                () -> ab + "\n--- netsvc\n" + netsvc.output());
    }

    /** A download of big.bin by curl at a limited rate, so that it runs through the change; its exit and size. */
    private static Process download(int port, Path into) throws IOException {
        return new ProcessBuilder(Tools.require("curl"), "-sS", "--limit-rate", "40M", "-o", into.toString(),
                "-w", "%{size_download}", "http://127.0.0.1:" + port + "/big.bin").redirectErrorStream(true).start();
    }

    @Test
    void aReloadThatChangesOneHttpKeyUnderLoadFailsNoRequestAndCutsNoDownload() throws Exception {
        root("one", "one\n", true);
        root("two", "two\n", false);
        Path conf = conf("http.port=0", "http.root=" + tmp.resolve("one"), "netsvc.probation=1s", "netsvc.shutdown-grace=30s");
        try (DistProcess netsvc = DistProcess.run("--enable", "http", "--config", conf.toString())) {
            int port = netsvc.port("http", "tcp");
            assertEquals("200 one\n", get(port, "/"));
            Process download = download(port, tmp.resolve("big.out"));
            Process ab = ab("-k", "-c", "50", "-n", "400000", "http://127.0.0.1:" + port + "/");
            Await.until(T, "ab under way", () -> netsvc.control("status", "--json").stdout()
                    .matches("(?s).*\"tcp.connections.accepted\":[1-9].*"));
            Files.writeString(conf, Files.readString(conf).replace("/one", "/two"));
            DistProcess.Result reload = netsvc.control("reload");
            assertEquals(0, reload.exitCode(), reload::toString);
            assertTrue(reload.stdout().contains("http: new settings (root)"), reload::toString);
            assertEquals("200 two\n", get(port, "/"), "a new connection after the reload returned sees the new root");
            boolean abStillRunning = ab.isAlive();
            String result = finish(ab);
            assertTrue(abStillRunning, "ab ran through the reload; it ended first:\n" + result);
            assertNoFailures(result, netsvc);
            assertEquals(Long.toString(BIG), finish(download).strip(), "the download went on to its end");
            assertEquals(BIG, Files.size(tmp.resolve("big.out")));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    /** A port nothing listens on now (bound and let go: the kernel does not hand it out again at once). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aReloadThatMovesHttpServesTheOldPortUntilItReturnsAndTheNewOneAfter() throws Exception {
        root("www", "here\n", false);
        int before = freePort();
        int after = freePort();
        Path conf = conf("http.port=" + before, "http.root=" + tmp.resolve("www"), "netsvc.probation=2s");
        try (DistProcess netsvc = DistProcess.run("--enable", "http", "--config", conf.toString())) {
            AtomicBoolean reloading = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread client = Thread.ofPlatform().start(() -> {
                while (reloading.get() && failure.get() == null) {
                    try {
                        if (!get(before, "/").equals("200 here\n")) {
                            throw new IOException("wrong answer");
                        }
                        answered.incrementAndGet();
                    } catch (IOException | InterruptedException e) {
                        failure.set(e);
                    }
                }
            });
            Await.until(T, "answers on the old port", () -> answered.get() > 10);
            Files.writeString(conf, Files.readString(conf).replace("http.port=" + before, "http.port=" + after));
            AtomicReference<DistProcess.Result> done = new AtomicReference<>();
            Thread reloader = Thread.ofPlatform().start(() -> done.set(netsvc.control("reload")));
            // the new instance listens on the new port while the old one still serves on its probation
            netsvc.awaitLine(T, java.util.regex.Pattern.compile(" http listening on tcp 127.0.0.1:" + after + "$"));
            int during = answered.get();
            Await.until(T, "answers on the old port while the new one runs beside it", () -> answered.get() > during + 10);
            reloading.set(false);
            client.join(T);
            reloader.join(T);
            DistProcess.Result reload = done.get();
            assertEquals(0, reload.exitCode(), reload::toString);
            assertTrue(reload.stdout().contains("http: moved from tcp 127.0.0.1:" + before + " to tcp 127.0.0.1:" + after), reload::toString);
            assertNull(failure.get(), () -> "a request sent before the reload returned failed: " + failure.get() + "\n" + netsvc.output());
            assertEquals("200 here\n", get(after, "/"));
            Await.until(T, "the old port closed once the old instance drained", () -> !listens(before));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    private static boolean listens(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void restartSwapsInAFreshInstanceUnderLoadFailingNoRequest() throws Exception {
        root("www", "here\n", false);
        Path conf = conf("http.port=0", "http.root=" + tmp.resolve("www"), "netsvc.probation=1s");
        try (DistProcess netsvc = DistProcess.run("--enable", "http", "--config", conf.toString())) {
            int port = netsvc.port("http", "tcp");
            Process ab = ab("-k", "-c", "50", "-n", "300000", "http://127.0.0.1:" + port + "/");
            Await.until(T, "ab under way", () -> netsvc.control("status", "--json").stdout()
                    .matches("(?s).*\"tcp.connections.accepted\":[1-9].*"));
            DistProcess.Result restart = netsvc.control("restart", "http");
            assertEquals(0, restart.exitCode(), restart::toString);
            assertTrue(restart.stdout().contains("http: a fresh instance serves"), restart::toString);
            boolean abStillRunning = ab.isAlive();
            String result = finish(ab);
            assertTrue(abStillRunning, "ab ran through the restart; it ended first:\n" + result);
            assertNoFailures(result, netsvc);
            assertEquals(port, netsvc.port("http", "tcp"), "the same listening socket");
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void whatCannotBeAppliedChangesNothingAndSaysWhyWithTheRightExitStatus() throws Exception {
        root("www", "here\n", false);
        Path confDir = Files.createDirectories(tmp.resolve("conf"));
        Files.copy(DistProcess.home().resolve("conf/netsvc.properties"), confDir.resolve("netsvc.properties"));
        Map<String, String> env = Map.of("NETSVC_JAVA_OPTS", "-Dnetsvc.conf.dir=" + confDir);
        String base = "http.port=0\nhttp.root=" + tmp.resolve("www") + "\nqotd.port=0\nnetsvc.probation=0s\n";
        Path conf = conf(base);
        try (DistProcess netsvc = DistProcess.runWith(env, "--enable", "http,qotd", "--config", conf.toString());
             ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ServerSocket alsoTaken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int http = netsvc.port("http", "tcp");
            int qotd = netsvc.port("qotd", "tcp");

            Files.writeString(conf, base + "http.root=/nonexistent\n");
            DistProcess.Result badRoot = netsvc.control("reload");
            assertEquals(2, badRoot.exitCode(), badRoot::toString);
            assertTrue(badRoot.stderr().contains("http.root (--config " + conf + "): /nonexistent does not exist"), badRoot::toString);
            assertEquals("200 here\n", get(http, "/"));

            Files.writeString(conf, base + "http.port=" + taken.getLocalPort() + "\nqotd.port=" + alsoTaken.getLocalPort() + "\n");
            DistProcess.Result portTaken = netsvc.control("reload");
            assertEquals(1, portTaken.exitCode(), portTaken::toString);
            assertTrue(portTaken.stderr().contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"), portTaken::toString);
            assertTrue(portTaken.stderr().contains("nothing was changed"), portTaken::toString);
            assertEquals("200 here\n", get(http, "/"), "http serves on its old port");
            assertTrue(listens(qotd), "qotd too");

            Files.writeString(conf, base);
            Files.delete(confDir.resolve("netsvc.properties"));
            DistProcess.Result deleted = netsvc.control("reload");
            assertEquals(2, deleted.exitCode(), deleted::toString);
            assertTrue(deleted.stderr().contains("cannot read configuration file " + confDir.resolve("netsvc.properties")
                    + ": it does not exist"), deleted::toString);
            Files.createDirectories(confDir.resolve("netsvc.properties"));
            DistProcess.Result folder = netsvc.control("reload");
            assertEquals(2, folder.exitCode(), folder::toString);
            assertTrue(folder.stderr().contains("it is a directory"), folder::toString);
            assertEquals("200 here\n", get(http, "/"), "http serves as before");
            assertEquals(http, netsvc.port("http", "tcp"));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void aNewInstanceThatThrowsInStartIsRolledBackAndTheOldSettingsServe() throws Exception {
        Path plugins = DistProcess.copyOfPlugins(tmp);
        FaultPlugin.build(tmp.resolve("work"), plugins);
        Path conf = conf("flaky-start.port=0", "flaky-start.fail-starts=0", "netsvc.probation=0s");
        try (DistProcess netsvc = DistProcess.run("-p", plugins.toString(), "--enable", "flaky-start", "--config", conf.toString())) {
            int port = netsvc.port("flaky-start", "tcp");
            Files.writeString(conf, "flaky-start.port=0\nflaky-start.fail-starts=2\nnetsvc.probation=0s\n");
            DistProcess.Result reload = netsvc.control("reload");
            assertEquals(1, reload.exitCode(), reload::toString);
            assertTrue(reload.stderr().contains("flaky-start: flaky start 2 of 2 fails on purpose; nothing was changed"), reload::toString);
            assertTrue(listens(port), "the old instance serves on");
            assertTrue(netsvc.control("status", "flaky-start").stdout().contains("running"));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void keysOfAPluginThatIsNotThereYetWaitForItAndBlockNothing() throws Exception {
        Path confDir = Files.createDirectories(tmp.resolve("conf/conf.d"));
        Files.copy(DistProcess.home().resolve("conf/netsvc.properties"), confDir.resolveSibling("netsvc.properties"));
        Files.writeString(confDir.resolve("classics.properties"),
                "discard.port=0\nchargen.enabled=false\ngreeting.port=0\noneshot.port=0\nwordcount.port=0\n");
        Map<String, String> env = Map.of("NETSVC_JAVA_OPTS", "-Dnetsvc.conf.dir=" + confDir.getParent());
        Path plugins = DistProcess.copyOfPlugins(tmp);
        StringBuilder ports = new StringBuilder();
        for (String id : List.of("echo-blocking", "echo-selector", "echo-async", "qotd", "daytime", "time", "http")) {
            ports.append(" --set ").append(id).append(".port=0");
        }
        String args = "-p " + plugins + " --enable daytime" + ports + " --set plugins.scan-interval=200ms";

        DistProcess.Result check = DistProcess.execWith(env, T, ("check " + args).split(" "));
        assertEquals(0, check.exitCode(), check::toString);
        assertEquals(5, check.stderr().lines().filter(l -> l.contains("waiting for a plugin")).count(), "one line per id\n" + check);
        assertTrue(check.stderr().contains("keys for discard (discard.port in " + confDir.resolve("classics.properties") + ") are kept"),
                check::toString);

        try (DistProcess netsvc = DistProcess.runWith(env, args.replace("--enable daytime ", "").split(" "))) {
            assertTrue(netsvc.stderrText().contains("keys for discard (discard.port in"), netsvc::output);
            Path examples = DistProcess.home().resolve("examples");
            Path jar;
            try (var files = Files.list(examples)) {
                jar = files.filter(f -> f.getFileName().toString().startsWith("netsvc-example-classics")).findFirst().orElseThrow();
            }
            Files.copy(jar, plugins.resolve("classics.jar"));
            netsvc.awaitLine(T, java.util.regex.Pattern.compile(" discard listening on tcp "));
            String status = netsvc.control("status", "discard", "chargen").stdout();
            assertTrue(status.matches("(?s).*discard +running.*"), status);
            assertTrue(status.matches("(?s).*chargen +stopped \\(disabled\\).*"), "its keys applied on arrival:\n" + status);
            Files.delete(plugins.resolve("classics.jar"));
            netsvc.awaitLine(T, java.util.regex.Pattern.compile("plugin classics .* removed"));
            DistProcess.Result reload = netsvc.control("reload");
            assertEquals(0, reload.exitCode(), reload::toString);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
        try (DistProcess again = DistProcess.runWith(env, args.replace("--enable daytime ", "").split(" "))) {
            assertFalse(again.stderrText().contains("unknown key"), again::output);
            assertEquals(0, again.terminate(T), again::output);
        }
    }

    @Test
    void aVanishedPluginsFolderIsSaidOnceShownEverywhereAndFailsAReload() throws Exception {
        Path plugins = DistProcess.copyOfPlugins(tmp);
        try (DistProcess netsvc = DistProcess.run("-p", plugins.toString(), "--enable", "daytime", "--set", "daytime.port=0",
                "--set", "plugins.scan-interval=200ms")) {
            int daytime = netsvc.port("daytime", "tcp");
            Path aside = tmp.resolve("plugins-aside");
            Files.move(plugins, aside);
            netsvc.awaitLine(T, java.util.regex.Pattern.compile("plugins folder " + java.util.regex.Pattern.quote(plugins.toString())
                    + " cannot be read: it does not exist; the plugins loaded keep running"));
            Await.until(T, "status shows it", () -> netsvc.control("status").stdout().contains(
                    "problem: plugins folder " + plugins + " cannot be read: it does not exist"));
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(netsvc.adminUri().resolve("/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("plugins folder " + plugins + " cannot be read"), health.body());
            DistProcess.Result reload = netsvc.control("reload");
            assertEquals(1, reload.exitCode(), reload::toString);
            assertTrue(reload.stderr().contains("cannot be read: it does not exist"), reload::toString);
            assertTrue(listens(daytime), "the loaded plugins keep running");
            Files.move(aside, plugins);
            netsvc.awaitLine(T, java.util.regex.Pattern.compile("plugins folder .* can be read again"));
            assertEquals(1, netsvc.stderrLines().stream().filter(l -> l.contains("cannot be read: it does not exist; the")).count(),
                    "said once, not at every scan:\n" + netsvc.output());
            Await.until(T, "healthy again", () -> !netsvc.control("status").stdout().contains("problem:"));
            assertEquals(0, netsvc.control("reload").exitCode());
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }
}
