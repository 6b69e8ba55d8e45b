package dev.netsvc.dist;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * External programs the tests use as real-world clients (curl, ab, wrk, nc, rdate, socat, python3). Locally a
 * missing tool skips the test; in CI ({@code NETSVC_REQUIRE_TOOLS=1}, set by .ci/run, which installs
 * them) it fails, so CI never passes by skipping.
 */
final class Tools {

    private static final List<String> DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin");

    private Tools() {
    }

    /** The absolute path of {@code name}; skips or fails the test when it is not installed. */
    static String require(String name) {
        for (String dir : pathDirs()) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String message = name + " is not installed (.ci/install-tools installs it)";
        if ("1".equals(System.getenv("NETSVC_REQUIRE_TOOLS"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null; // not reached
    }

    /**
     * Like {@link #require(String)} for a condition a test needs (root, a free privileged port): skips
     * locally, fails in CI, with {@code reason} as the message.
     */
    static void requireThat(boolean condition, String reason) {
        if (condition) {
            return;
        }
        if ("1".equals(System.getenv("NETSVC_REQUIRE_TOOLS"))) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
    }

    /** Runs {@code command} to completion with {@code input} on stdin; fails the test after {@code timeout}. */
    static DistProcess.Result run(Duration timeout, byte[] input, Map<String, String> env, String... command) {
        try {
            Path out = Files.createTempFile("netsvc-tool", ".out");
            Path err = Files.createTempFile("netsvc-tool", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                try (OutputStream stdin = p.getOutputStream()) {
                    stdin.write(input);
                } catch (IOException e) {
                    // the tool may exit without reading its input
                }
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(Arrays.toString(command) + " still running after " + timeout.toMillis() + " ms");
                }
                return new DistProcess.Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
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

    static DistProcess.Result run(Duration timeout, byte[] input, String... command) {
        return run(timeout, input, Map.of(), command);
    }

    private static List<String> pathDirs() {
        String path = System.getenv("PATH");
        List<String> dirs = new java.util.ArrayList<>(path == null ? List.of() : List.of(path.split(":")));
        dirs.addAll(DIRS);
        return dirs;
    }
}
