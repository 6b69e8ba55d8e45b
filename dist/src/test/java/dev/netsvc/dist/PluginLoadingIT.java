package dev.netsvc.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command loads plugins the same way: with two versions of one plugin, a jar whose manifest has an
 * empty Plugin-Id, a jar that bundles netsvc-core and a corrupt jar in the folder, {@code check},
 * {@code list}, {@code call} and {@code run} name the same jars and say the same one line for each, and
 * run the same version.
 */
class PluginLoadingIT {

    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;
    static Path plugins;

    /** The four lines every command must say, one per jar that does not load. */
    private static final List<String> EXPECTED_PREFIXES = List.of(
            "plugin jar corrupt.jar: cannot be loaded: not a valid jar file",
            "plugin jar echo-blocking-0.1.0.jar: not loaded: echo-blocking-0.2.0.jar holds a newer version of plugin echo-blocking (0.2.0)",
            "plugin jar fat.jar: refused: it bundles netsvc-core classes (dev/netsvc/core/Bundled.class)",
            "plugin jar no-id.jar: not a plugin: its manifest has no Plugin-Id (see docs/plugin-authors.md)");

    @BeforeAll
    static void folder() throws IOException {
        plugins = DistProcess.copyOfPlugins(tmp);
        Path echo = plugins.resolve("echo-blocking-0.1.0.jar");
        copy(echo, plugins.resolve("echo-blocking-0.2.0.jar"), m -> m.putValue("Plugin-Version", "0.2.0"), null);
        copy(plugins.resolve("tcp-time-0.1.0.jar"), plugins.resolve("no-id.jar"), m -> m.putValue("Plugin-Id", ""), null);
        copy(plugins.resolve("udp-qotd-0.1.0.jar"), plugins.resolve("fat.jar"), m -> m.putValue("Plugin-Id", "fat"),
                "dev/netsvc/core/Bundled.class");
        Files.writeString(plugins.resolve("corrupt.jar"), "not a zip file");
    }

    /** A copy of {@code jar} with its manifest changed by {@code edit} and, if given, one more empty class entry. */
    private static void copy(Path jar, Path to, Consumer<Attributes> edit, String extraEntry) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            edit.accept(manifest.getMainAttributes());
            try (OutputStream file = Files.newOutputStream(to); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                }
                if (extraEntry != null) {
                    out.putNextEntry(new JarEntry(extraEntry));
                    out.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
                }
            }
        }
    }

    /** The lines about plugin jars in {@code output}, without what comes before "plugin jar " (a log prefix, "netsvc: "). */
    private static List<String> jarLines(String output) {
        return output.lines().filter(l -> l.contains("plugin jar "))
                .map(l -> l.substring(l.indexOf("plugin jar "))).sorted().toList();
    }

    private static void assertTheFourLines(String command, String output) {
        List<String> lines = jarLines(output);
        assertEquals(EXPECTED_PREFIXES.size(), lines.size(), () -> command + ": one line per jar\n" + output);
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).startsWith(EXPECTED_PREFIXES.get(i)), command + ": " + lines.get(i) + "\n" + output);
        }
    }

    @Test
    void everyCommandNamesTheSameJarsInTheSameWords() {
        List<String> args = new java.util.ArrayList<>(List.of("check", "-p", plugins.toString()));
        for (String id : List.of("echo-blocking", "echo-selector", "echo-async", "qotd", "daytime", "time", "http")) {
            args.addAll(List.of("--set", id + ".port=0")); // check binds each address for a moment
        }
        DistProcess.Result check = DistProcess.exec(T, args.toArray(String[]::new));
        assertEquals(0, check.exitCode(), check::toString);
        assertTheFourLines("check", check.stderr());
        assertTrue(check.stdout().contains("configuration ok: 7 of 7 services enabled, 7 plugins"), check::toString);
        assertTrue(!check.stderr().contains("already loaded"), () -> "no PF4J message\n" + check);

        DistProcess.Result list = DistProcess.exec(T, "list", "-p", plugins.toString());
        assertEquals(0, list.exitCode(), list::toString);
        assertTheFourLines("list", list.stderr());
        assertTrue(list.stdout().contains("echo-blocking 0.2.0  (echo-blocking-0.2.0.jar)"), list::toString);

        DistProcess.Result call = DistProcess.exec(T, "call", "-p", plugins.toString(), "echo", "--help");
        assertEquals(0, call.exitCode(), call::toString);
        assertTheFourLines("call", call.stderr());

        try (DistProcess run = DistProcess.run("-p", plugins.toString(), "--set", "plugins.watch=false",
                "--enable", "echo-blocking", "--set", "echo-blocking.port=0")) {
            assertTheFourLines("run", run.stderrText());
            assertTrue(run.stderrText().contains("plugin echo-blocking 0.2.0 loaded from echo-blocking-0.2.0.jar"), run::output);
            assertEquals(0, run.terminate(T), run::output);
        }
        // and the same four jars, whichever command
        assertEquals(new TreeSet<>(jarNames(check.stderr())), new TreeSet<>(jarNames(list.stderr())));
    }

    private static List<String> jarNames(String output) {
        return jarLines(output).stream().map(l -> l.substring("plugin jar ".length(), l.indexOf(':'))).toList();
    }
}
