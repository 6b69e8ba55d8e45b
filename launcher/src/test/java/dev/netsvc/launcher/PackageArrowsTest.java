package dev.netsvc.launcher;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The arrows between the launcher's packages are the ones its package comment allows, and no other. */
class PackageArrowsTest {

    /** What each package may use (besides itself and core); the same table as package-info.java draws. */
    static final Map<String, Set<String>> ALLOWED = Map.of(
            "text", Set.of(),
            "config", Set.of("text"),
            "systemd", Set.of("text"),
            "supervisor", Set.of("systemd", "config", "text"),
            "plugins", Set.of("supervisor", "config", "text"),
            "admin", Set.of("supervisor", "plugins", "text"),
            "control", Set.of(),
            "host", Set.of("admin", "control", "plugins", "supervisor", "systemd", "config", "text"),
            "cli", Set.of("host", "control", "plugins", "systemd", "config", "text"));

    private static final Path SOURCES = Path.of("src/main/java/dev/netsvc/launcher");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.netsvc\\.launcher\\.([a-z]+)\\b");

    @Test
    void everyPackageUsesOnlyWhatItMay() throws IOException {
        List<String> wrong = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() == 1) {
                    assertEquals("package-info.java", relative.toString(), "only the package comment lives at the top");
                    continue;
                }
                String from = relative.getName(0).toString();
                packages.add(from);
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String to = m.group(1);
                    if (!to.equals(from) && !ALLOWED.getOrDefault(from, Set.of()).contains(to)) {
                        wrong.add(relative + " uses " + to);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages, "every package has its row, and only those exist");
        assertTrue(wrong.isEmpty(), "arrows the launcher's package comment does not allow:\n" + String.join("\n", wrong));
    }
}
