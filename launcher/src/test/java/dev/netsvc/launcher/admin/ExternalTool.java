package dev.netsvc.launcher.admin;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program the admin tests run as a real-world client (Chromium, the Prometheus project's Python
 * parser). As dist's Tools: missing locally, the test is skipped; in CI ({@code NETSVC_REQUIRE_TOOLS=1},
 * after .ci/install-tools) it fails, so CI never passes by skipping. Shared with dist's tests through
 * launcher's test jar.
 */
public final class ExternalTool {

    /** What a finished program printed. */
    public record Output(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private ExternalTool() {
    }

    /** Skips the test (locally) or fails it (in CI) with {@code reason} unless {@code present}. */
    public static void require(boolean present, String reason) {
        if (present) {
            return;
        }
        if ("1".equals(System.getenv("NETSVC_REQUIRE_TOOLS"))) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
    }

    /** The first of {@code candidates} that is an executable file, or null. */
    public static Path find(List<String> candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs {@code command} with {@code input} on stdin; fails the test if it runs past {@code timeout}. */
    public static Output run(Duration timeout, String input, List<String> command) {
        try {
            Path out = Files.createTempFile("netsvc-admin-tool", ".out");
            Path err = Files.createTempFile("netsvc-admin-tool", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                try (var stdin = p.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the program may exit without reading its input
                }
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(command + " still running after " + timeout.toMillis() + " ms");
                }
                return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
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
}
