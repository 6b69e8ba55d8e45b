package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/netsvc's start cache on a private copy of the installation: the first start writes the archive
 * (the JDK's AOT cache on Java 25+, a dynamic CDS archive before), the next one uses it; after a plugin
 * jar changes the old archive is neither used nor kept, and a new one is written; with no writable place
 * the start goes on without one, silently.
 */
class StartCacheIT {

    static final Duration T = Duration.ofSeconds(60);
    static final String[] PORTS = {"--set", "echo-async.port=0", "--set", "echo-blocking.port=0",
            "--set", "echo-selector.port=0", "--set", "http.port=0", "--set", "daytime.port=0",
            "--set", "time.port=0", "--set", "qotd.port=0"};

    @TempDir
    Path tmp;

    /** A copy of the distribution, with its own var/ and logs/. */
    Path install() throws IOException {
        return DistProcess.copyOfDistribution(tmp.resolve("netsvc"));
    }

    /** Runs to ready and stops; returns the class-load log (which classes came from the archive). */
    String runOnce(Path home, Map<String, String> env) throws IOException {
        // one log per process (%p): the JVM that assembles an AOT cache at exit inherits the options
        Path logs = Files.createDirectories(tmp.resolve("classes-" + System.nanoTime()));
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("NETSVC_START_CACHE", "on");
        all.put("NETSVC_JAVA_OPTS", "-Xlog:class+load=info:file=" + logs.resolve("%p.log") + " -Dnetsvc.startup.trace=true");
        Path classes;
        try (DistProcess netsvc = DistProcess.startIn(home, all, concat("run", PORTS))) {
            classes = logs.resolve(netsvc.pid() + ".log");
            assertEquals(7, netsvc.awaitReady(T));
            assertTraced(netsvc.awaitLine(T, java.util.regex.Pattern.compile("start took")));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
            String output = netsvc.stdoutText() + "\n" + netsvc.stderrText();
            assertTrue(output.lines().filter(StartCacheIT::isAotRecordingLine).count() <= 1, netsvc::output);
            String said = output.lines().filter(l -> !isAotRecordingLine(l)).collect(java.util.stream.Collectors.joining("\n"));
            assertFalse(said.contains("cds") || said.contains("CDS") || said.contains("AOT"), netsvc::output);
        }
        return Files.readString(classes);
    }

    /** The start trace names every phase, and each of the 7 services' own start time. */
    static void assertTraced(String line) {
        var m = java.util.regex.Pattern.compile("start took \\d+ ms: bin/netsvc \\d+ ms, JVM start to main \\d+ ms, "
                + "options and logging [\\d.]+ ms, plugins loaded [\\d.]+ ms, services started [\\d.]+ ms \\((.+)\\)$").matcher(line);
        assertTrue(m.find(), line);
        for (String id : List.of("echo-async", "echo-blocking", "echo-selector", "http", "daytime", "time", "qotd")) {
            assertTrue(java.util.regex.Pattern.compile("(^|, )" + id + " [\\d.]+ ms").matcher(m.group(1)).find(), id + " in " + line);
        }
    }

    /**
     * The one line the JDK says on standard output as a recording start exits on Java 25+ ("AOTConfiguration
     * recorded: FILE"), which no option turns off. Nothing else about the cache may be said on the
     * console: above all not the report of assembling the cache ("Launching child process ...", "Picked
     * up JAVA_TOOL_OPTIONS: ..." and the class path, four more lines), which bin/netsvc keeps in
     * aot-assembly.log, nor any warning about using one.
     */
    static boolean isAotRecordingLine(String line) {
        return line.strip().startsWith("AOTConfiguration recorded: ");
    }

    static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static int cacheSize(Path home) {
        try {
            return cache(home).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The start cache's files under the installation (not the assembly's report beside them). */
    static List<String> cache(Path home) throws IOException {
        return cacheIn(home.resolve("var/cache"));
    }

    static List<String> cacheIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("start-")).sorted().toList();
        }
    }

    /** Whether the class came from an archive: ours, as the JDK's own covers only the JDK's classes. */
    static boolean fromArchive(String classLog, String className) {
        return classLog.lines().anyMatch(l -> l.contains(" " + className + " source: shared objects file"));
    }

    @Test
    void writtenOnceUsedNextAndNeverStaleAfterAPluginChanges() throws IOException {
        Path home = install();
        String first = runOnce(home, Map.of());
        assertFalse(fromArchive(first, "dev.netsvc.launcher.cli.Main"), "no archive yet");
        List<String> written = cache(home);
        assertWrittenByAReadyStart(written);

        String second = runOnce(home, Map.of());
        List<String> published = cache(home);
        assertEquals(1, published.size(), published.toString());
        assertTrue(published.getFirst().matches("start-[0-9a-f]+\\.(jsa|aot)"), published.toString());
        String kind = published.getFirst().substring(published.getFirst().lastIndexOf('.') + 1);
        assertTrue(fromArchive(second, "dev.netsvc.launcher.cli.Main"), "the launcher's classes come from the archive");
        assertTrue(fromArchive(second, "dev.netsvc.http.HttpService"), "and the plugins' classes");
        if (kind.equals("aot")) {
            String report = Files.readString(home.resolve("var/cache/aot-assembly.log"));
            assertTrue(report.contains("AOTCache creation is complete"), report);
        }

        changePlugin(home.resolve("plugins"));
        String third = runOnce(home, Map.of());
        assertFalse(fromArchive(third, "dev.netsvc.launcher.cli.Main") || fromArchive(third, "dev.netsvc.http.HttpService"),
                "nothing from the old archive after a plugin changed");
        List<String> rewritten = cache(home);
        assertWrittenByAReadyStart(rewritten);
        assertNotEquals(key(published.getFirst()), key(rewritten.getFirst()), "another key for other jars");

        String fourth = runOnce(home, Map.of());
        assertTrue(fromArchive(fourth, "dev.netsvc.time.TimeService"), "the new archive is used");
        assertEquals(List.of("start-" + key(rewritten.getFirst()) + "." + kind), cache(home));
    }

    /**
     * A cache whose JVM died while assembling it (on Java 25, the one that writes an AOT cache can die on a
     * closed output pipe) still has its recording, NAME.tmp.config, beside it: the next start deletes both
     * instead of publishing a half-written archive, and writes a new one.
     */
    @Test
    void aCacheWhoseWriterDiedIsDeletedNotUsed() throws IOException {
        Path home = install();
        runOnce(home, Map.of());
        List<String> written = cache(home);
        assertWrittenByAReadyStart(written);
        // the archive (or cache) being written beside the recording it is made from: cut short
        Path dir = home.resolve("var/cache");
        String base = written.getFirst().replaceFirst("\\.config$", "");
        for (String name : List.of(base, base + ".config")) {
            if (!Files.exists(dir.resolve(name))) {
                Files.writeString(dir.resolve(name), "left behind by a JVM that died");
            }
        }

        String next = runOnce(home, Map.of());
        assertFalse(fromArchive(next, "dev.netsvc.launcher.cli.Main"), "the half-written archive is not used");
        List<String> now = cache(home);
        assertWrittenByAReadyStart(now);
        assertNotEquals(written, now);
    }

    /**
     * A start that ended before ready (here a mistyped option: usage error) loaded too few classes for a
     * useful cache: what its JVM wrote is deleted, not published, and the next start records again.
     */
    @Test
    void aStartThatNeverGotReadyIsNotPublished() throws IOException {
        Path home = install();
        try (DistProcess usage = DistProcess.startIn(home, Map.of("NETSVC_START_CACHE", "on"), "run", "--enabel", "http")) {
            assertEquals(2, usage.awaitExit(T), usage::output);
        }
        Await.until(T, "the archive of the failed start written (its JVM has exited)", () -> cacheSize(home) == 1);
        assertTrue(cache(home).getFirst().matches("start-[0-9a-f]+\\.\\d+\\.tmp(\\.config)?"), cache(home).toString());

        String next = runOnce(home, Map.of());
        assertFalse(fromArchive(next, "dev.netsvc.launcher.cli.Main"), "the failed start's archive is not used");
        assertWrittenByAReadyStart(cache(home));
        String then = runOnce(home, Map.of());
        assertTrue(fromArchive(then, "dev.netsvc.http.HttpService"), "the ready start's archive is");
    }

    /**
     * What a start wrote at exit, the archive (NAME.tmp, CDS) or the recording the AOT cache is assembled
     * from (NAME.tmp.config, Java 25+), and its mark that it got to ready (NAME.tmp.ready).
     */
    static void assertWrittenByAReadyStart(List<String> cache) {
        assertEquals(2, cache.size(), cache.toString());
        assertTrue(cache.getFirst().matches("start-[0-9a-f]+\\.\\d+\\.tmp(\\.config)?"), cache.toString());
        assertEquals(cache.getFirst().replaceFirst("\\.config$", "") + ".ready", cache.get(1), cache.toString());
    }

    /**
     * A plugin replaced while netsvc runs from the cache runs its new code: the cache holds the old
     * build's classes, and the JVM takes a class from it only when the bytes are the same.
     */
    @Test
    void aPluginReplacedWhileTheCacheIsInUseRunsItsNewCode() throws IOException {
        Path home = install();
        Path v1 = FaultPlugin.build(tmp.resolve("v1"), home.resolve("plugins"));
        Path v2 = FaultPlugin.build(tmp.resolve("v2"), Files.createDirectories(tmp.resolve("v2-jar")), "2.0.0", "v2");
        String[] run = {"run", "--enable", "flaky-start", "--set", "flaky-start.port=0", "--set", "flaky-start.fail-starts=0",
                "--set", "plugins.scan-interval=200ms"};
        Map<String, String> env = Map.of("NETSVC_START_CACHE", "on");
        try (DistProcess recording = DistProcess.startIn(home, env, run)) {
            assertEquals(1, recording.awaitReady(T));
            assertEquals(0, recording.terminate(T), recording::output);
        }
        Path logs = Files.createDirectories(tmp.resolve("replaced-classes"));
        Map<String, String> logged = Map.of("NETSVC_START_CACHE", "on",
                "NETSVC_JAVA_OPTS", "-Xlog:class+load=info:file=" + logs.resolve("%p.log"));
        try (DistProcess netsvc = DistProcess.startIn(home, logged, run)) {
            assertEquals(1, netsvc.awaitReady(T));
            int port = netsvc.port("flaky-start", "tcp");
            assertEquals("ok one", askLine(port, "one"));
            String classes = Files.readString(logs.resolve(netsvc.pid() + ".log"));
            assertTrue(fromArchive(classes, "faults.FaultService"), "the plugin's classes come from the cache");

            Files.copy(v2, v1, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            netsvc.awaitLine(T, java.util.regex.Pattern.compile("plugin faults: 1.0.0 replaced by 2.0.0"));
            assertEquals("v2 two", askLine(port, "two"));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    static String askLine(int port, String send) throws IOException {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write((send + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void noWritablePlaceMeansNoCacheAndNoComplaint() throws IOException {
        Path home = install();
        Files.createDirectories(home.resolve("var"));
        Files.writeString(home.resolve("var/cache"), "not a directory"); // as root, permissions would not stop us
        Path notADir = Files.writeString(tmp.resolve("xdg"), "x");
        String log = runOnce(home, Map.of("XDG_CACHE_HOME", notADir.toString()));
        assertFalse(fromArchive(log, "dev.netsvc.launcher.cli.Main"));
        assertEquals("not a directory", Files.readString(home.resolve("var/cache")));
    }

    /**
     * NETSVC_CACHE_DIR puts the cache elsewhere (the Debian package: /var/cache/netsvc), and the key covers
     * the plugins folder NETSVC_PLUGINS_DIR names, not the installation's: a jar changed there means
     * another key.
     */
    @Test
    void theCacheFolderAndThePluginsFolderComeFromTheEnvironment() throws IOException {
        Path home = install();
        Path cacheDir = tmp.resolve("cache");
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        try (Stream<Path> jars = Files.list(home.resolve("plugins"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
        Map<String, String> env = Map.of("NETSVC_CACHE_DIR", cacheDir.toString(), "NETSVC_PLUGINS_DIR", plugins.toString());
        runOnce(home, env);
        List<String> first = cacheIn(cacheDir);
        assertWrittenByAReadyStart(first);
        assertEquals(List.of(), cache(home), "nothing under the installation");

        changePlugin(plugins);
        runOnce(home, env);
        List<String> second = cacheIn(cacheDir);
        assertWrittenByAReadyStart(second);
        assertNotEquals(key(first.getFirst()), key(second.getFirst()), "a jar changed in NETSVC_PLUGINS_DIR: another key");
    }

    /**
     * The JVM disables JFR for the whole life of a process that records a cache: a start whose
     * NETSVC_JAVA_OPTS ask for a flight recording records none, and the recording is written.
     */
    @Test
    void aFlightRecordingIsNeverTradedForTheCache() throws IOException {
        Path home = install();
        Path jfr = tmp.resolve("netsvc.jfr");
        Map<String, String> env = Map.of("NETSVC_START_CACHE", "on",
                "NETSVC_JAVA_OPTS", "-XX:StartFlightRecording=dumponexit=true,filename=" + jfr);
        try (DistProcess netsvc = DistProcess.startIn(home, env, concat("run", PORTS))) {
            assertEquals(7, netsvc.awaitReady(T));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
            assertFalse(netsvc.output().contains("JFR will be disabled"), netsvc::output);
        }
        assertTrue(Files.size(jfr) > 0, "the flight recording was written");
        assertEquals(List.of(), cache(home));
    }

    @Test
    void offMeansOff() throws IOException {
        Path home = install();
        runOnce(home, Map.of("NETSVC_START_CACHE", "off"));
        assertEquals(List.of(), cache(home));
    }

    static String key(String name) {
        return name.split("\\.")[0].substring("start-".length());
    }

    /** Rewrites one plugin jar with an extra entry: a changed plugin (size and time differ). */
    static void changePlugin(Path plugins) throws IOException {
        Path jar;
        try (Stream<Path> jars = Files.list(plugins)) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("tcp-time")).findFirst().orElseThrow();
        }
        Path changed = jar.resolveSibling("changed.tmp");
        try (var in = new java.util.zip.ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(changed))) {
            for (var e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.getInputStream(e).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("CHANGED.txt"));
            out.write("a new build".getBytes());
            out.closeEntry();
        }
        Files.move(changed, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
