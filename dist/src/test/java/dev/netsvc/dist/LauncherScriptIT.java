package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/netsvc finds a Java 21+ runtime by itself, skipping older ones, from wherever it is called. */
class LauncherScriptIT {

    private static final Duration T = Duration.ofSeconds(30);

    /** A fake {@code java} that claims to be Java 17 and refuses to run anything. */
    private static Path oldJavaHome(Path tmp) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("jdk17/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo 'openjdk version "17.0.15" 2025-04-15' >&2
                [ "$1" = "-version" ] && exit 0
                echo "the old java was used" >&2
                exit 99
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tmp.resolve("jdk17");
    }

    @Test
    void skipsAnOldJavaHomeAndAnOldJavaOnPath(@TempDir Path tmp) throws IOException {
        Path old = oldJavaHome(tmp);
        DistProcess.Result r = exec(Map.of("JAVA_HOME", old.toString(), "PATH", old.resolve("bin") + ":/usr/bin:/bin"),
                "--version");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().startsWith("netsvc "), r::toString);
        int major = Integer.parseInt(r.stdout().replaceFirst("(?s).*\\(Java (\\d+).*", "$1"));
        assertTrue(major >= 21, "ran on Java " + major);
    }

    @Test
    void worksThroughASymlinkFromAnotherDirectory(@TempDir Path tmp) throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("netsvc"), DistProcess.launcher());
        Process p = new ProcessBuilder(link.toString(), "list").directory(tmp.toFile()).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("echo-blocking"), "found the distribution's plugins:\n" + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A fake Java 25 that prints the arguments it was given, one a line, and exits 0. */
    private static Path echoingJavaHome(Path tmp) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("jdk25/bin"));
        Files.writeString(tmp.resolve("jdk25/release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path java = bin.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                for arg in "$@"; do echo "$arg"; done
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tmp.resolve("jdk25");
    }

    /**
     * The places of docs/operators.md's path scheme reach the launcher as system properties, as absolute
     * paths (a relative one from the working directory), each only when its variable is set.
     */
    @Test
    void placesFromTheEnvironmentBecomeSystemProperties(@TempDir Path tmp) throws IOException {
        Path java = echoingJavaHome(tmp);
        DistProcess.Result none = exec(Map.of("JAVA_HOME", java.toString()), "list");
        assertEquals(0, none.exitCode(), none::toString);
        assertTrue(none.stdout().lines().noneMatch(l -> l.startsWith("-Dnetsvc.conf.dir") || l.startsWith("-Dnetsvc.plugins.dir")
                || l.startsWith("-Dnetsvc.run.dir")), "nothing set, nothing passed:\n" + none);
        String home = "-Dnetsvc.home=" + DistProcess.home().toRealPath();
        assertTrue(none.stdout().lines().anyMatch(home::equals), none::toString);

        DistProcess.Result set = exec(Map.of("JAVA_HOME", java.toString(), "NETSVC_CONF_DIR", "/etc/netsvc",
                "NETSVC_PLUGINS_DIR", "/var/lib/net svc/plugins", "NETSVC_RUN_DIR", "relative/run"), "list");
        assertEquals(0, set.exitCode(), set::toString);
        var lines = set.stdout().lines().toList();
        assertTrue(lines.contains("-Dnetsvc.conf.dir=/etc/netsvc"), set::toString);
        assertTrue(lines.contains("-Dnetsvc.plugins.dir=/var/lib/net svc/plugins"), "a space stays in one argument:\n" + set);
        // DistProcess starts bin/netsvc in the distribution's folder
        assertTrue(lines.contains("-Dnetsvc.run.dir=" + DistProcess.home().resolve("relative/run")), set::toString);
        assertEquals("list", lines.getLast(), "the command comes last, unchanged: " + lines);
    }

    /**
     * NETSVC_RUN_DIR moves the control socket with the run folder (admin.socket left at its default):
     * the host listens there, and status finds it there.
     */
    @Test
    void theControlSocketLivesInTheRunFolder(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        Map<String, String> env = Map.of("NETSVC_RUN_DIR", run.toString(), "NETSVC_START_CACHE", "off");
        try (DistProcess host = DistProcess.start(env, "run", "--enable", "daytime", "--set", "daytime.port=0",
                "--set", "admin.port=0")) {
            host.awaitReady(T);
            assertTrue(Files.exists(run.resolve("netsvc.sock")), host::output);
            DistProcess.Result status = exec(env, "status");
            assertEquals(0, status.exitCode(), status::toString);
            assertTrue(status.stdout().contains("daytime"), status::toString);
            assertEquals(0, host.terminate(T), host::output);
        }
    }

    private static DistProcess.Result exec(Map<String, String> env, String... args) {
        try (DistProcess p = DistProcess.start(env, args)) {
            int code = p.awaitExit(T);
            return new DistProcess.Result(code, p.stdoutText(), p.stderrText());
        }
    }
}
