package dev.netsvc.packaging;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The programs these tests drive (dpkg, lintian, umoci, node, ...) and the conditions they need (root).
 * Locally a missing one skips the test; in CI ({@code NETSVC_REQUIRE_TOOLS=1}, set by .ci/run, whose
 * .ci/install-tools installs them) it fails, so CI never passes by skipping.
 */
final class Tools {

    private static final List<String> DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin");

    private Tools() {
    }

    /** The absolute path of {@code name}; skips or fails the test when it is not installed. */
    static String require(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        requireThat(false, name + " is not installed (.ci/install-tools installs it)");
        return null; // not reached
    }

    /** Skips locally, fails in CI, with {@code reason} as the message. */
    static void requireThat(boolean condition, String reason) {
        if (condition) {
            return;
        }
        if ("1".equals(System.getenv("NETSVC_REQUIRE_TOOLS"))) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
    }

    static void requireRoot() {
        requireThat("root".equals(System.getProperty("user.name")), "needs root (CI runs as root): installs a package, chroots");
    }

    /** What a finished command printed and returned. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }

        Result ok() {
            if (exitCode != 0) {
                throw new AssertionError("command failed: " + this);
            }
            return this;
        }
    }

    /** Runs {@code command} to completion, stdin empty; fails the test after {@code timeout}. */
    static Result run(Duration timeout, Map<String, String> env, String... command) {
        try {
            Path out = Files.createTempFile("netsvc-tool", ".out");
            Path err = Files.createTempFile("netsvc-tool", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(Arrays.toString(command) + " still running after " + timeout.toSeconds() + " s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                        Files.readString(err, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result run(Duration timeout, String... command) {
        return run(timeout, Map.of(), command);
    }

    static Path property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set; run through 'mvn verify'");
        }
        return Path.of(value);
    }
}
