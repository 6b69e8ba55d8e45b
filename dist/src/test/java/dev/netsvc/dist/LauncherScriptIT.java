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

    private static DistProcess.Result exec(Map<String, String> env, String... args) {
        try (DistProcess p = DistProcess.start(env, args)) {
            int code = p.awaitExit(T);
            return new DistProcess.Result(code, p.stdoutText(), p.stderrText());
        }
    }
}
