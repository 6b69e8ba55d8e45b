package dev.netsvc.dist;

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
 * bin/netsvc's start cache on a private copy of the installation: the first start writes the archive,
 * the next one uses it; after a plugin jar changes the old archive is neither used nor kept, and a new
 * one is written; with no writable place the start goes on without one, silently.
 */
class StartCacheIT {

    static final Duration T = Duration.ofSeconds(60);
    static final String[] PORTS = {"--set", "echo-async.port=0", "--set", "echo-blocking.port=0",
            "--set", "echo-selector.port=0", "--set", "http.port=0", "--set", "daytime.port=0",
            "--set", "time.port=0", "--set", "qotd.port=0"};

    @TempDir
    Path tmp;

    /** A copy of the distribution (bin, lib, plugins, conf, www), with its own var/ and logs/. */
    Path install() throws IOException {
        Path home = tmp.resolve("netsvc");
        try (Stream<Path> all = Files.walk(DistProcess.home())) {
            for (Path from : all.toList()) {
                Path rel = DistProcess.home().relativize(from);
                if (rel.startsWith("var") || rel.startsWith("logs")) {
                    continue;
                }
                Path to = home.resolve(rel.toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return home;
    }

    /** Runs to ready and stops; returns the class-load log (which classes came from the archive). */
    String runOnce(Path home, Map<String, String> env) throws IOException {
        Path classes = tmp.resolve("classes-" + System.nanoTime() + ".log");
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("NETSVC_START_CACHE", "on");
        all.put("NETSVC_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        try (DistProcess netsvc = DistProcess.startIn(home, all, concat("run", PORTS))) {
            assertEquals(7, netsvc.awaitReady(T));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
            assertFalse(netsvc.stderrText().contains("cds") || netsvc.stderrText().contains("CDS")
                    || netsvc.stdoutText().contains("cds"), netsvc::output);
        }
        return Files.readString(classes);
    }

    static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static List<String> cache(Path home) throws IOException {
        Path dir = home.resolve("var/cache");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static boolean fromArchive(String classLog, String className) {
        return classLog.lines().anyMatch(l -> l.contains(" " + className + " source: shared objects file (top)"));
    }

    @Test
    void writtenOnceUsedNextAndNeverStaleAfterAPluginChanges() throws IOException {
        Path home = install();
        String first = runOnce(home, Map.of());
        assertFalse(fromArchive(first, "dev.netsvc.launcher.Main"), "no archive yet");
        List<String> written = cache(home);
        assertEquals(1, written.size(), written.toString());
        assertTrue(written.getFirst().matches("start-\\d+\\.\\d+\\.tmp"), written.toString());

        String second = runOnce(home, Map.of());
        List<String> published = cache(home);
        assertEquals(1, published.size(), published.toString());
        assertTrue(published.getFirst().matches("start-\\d+\\.jsa"), published.toString());
        assertTrue(fromArchive(second, "dev.netsvc.launcher.Main"), "the launcher's classes come from the archive");
        assertTrue(fromArchive(second, "dev.netsvc.http.HttpService"), "and the plugins' classes");

        changePlugin(home.resolve("plugins"));
        String third = runOnce(home, Map.of());
        assertFalse(third.contains("shared objects file (top)"), "nothing from the old archive after a plugin changed");
        List<String> rewritten = cache(home);
        assertEquals(1, rewritten.size(), rewritten.toString());
        assertTrue(rewritten.getFirst().matches("start-\\d+\\.\\d+\\.tmp"), rewritten.toString());
        assertNotEquals(key(published.getFirst()), key(rewritten.getFirst()), "another key for other jars");

        String fourth = runOnce(home, Map.of());
        assertTrue(fromArchive(fourth, "dev.netsvc.time.TimeService"), "the new archive is used");
        assertEquals(List.of("start-" + key(rewritten.getFirst()) + ".jsa"), cache(home));
    }

    @Test
    void noWritablePlaceMeansNoCacheAndNoComplaint() throws IOException {
        Path home = install();
        Files.createDirectories(home.resolve("var"));
        Files.writeString(home.resolve("var/cache"), "not a directory"); // as root, permissions would not stop us
        Path notADir = Files.writeString(tmp.resolve("xdg"), "x");
        String log = runOnce(home, Map.of("XDG_CACHE_HOME", notADir.toString()));
        assertFalse(log.contains("shared objects file (top)"));
        assertEquals("not a directory", Files.readString(home.resolve("var/cache")));
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
