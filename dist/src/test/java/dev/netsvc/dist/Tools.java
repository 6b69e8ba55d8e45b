package dev.netsvc.dist;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * External programs the tests use as real-world clients (curl, ab, wrk, nc, rdate, python3). Locally a
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

    private static List<String> pathDirs() {
        String path = System.getenv("PATH");
        List<String> dirs = new java.util.ArrayList<>(path == null ? List.of() : List.of(path.split(":")));
        dirs.addAll(DIRS);
        return dirs;
    }
}
