package dev.netsvc.launcher.plugins;

import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settle rule, driven scan by scan on a manual clock: no sleeping, no watcher thread. */
class PluginFolderScannerTest {

    private static final Duration SETTLE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<String> events = new ArrayList<>();
    private PluginFolderScanner scanner() {
        return new PluginFolderScanner(dir, SETTLE, clock);
    }

    private void scan(PluginFolderScanner s) throws IOException {
        record(s.scan());
    }

    private void scan(PluginFolderScanner s, boolean asItIsNow) throws IOException {
        record(s.scan(asItIsNow));
    }

    private void record(List<JarChange> changes) {
        changes.forEach(c -> events.add(c.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + c.name()));
    }

    private void scanAfter(PluginFolderScanner s, Duration step) throws IOException {
        clock.advance(step);
        scan(s);
    }

    @Test
    void aJarBeingCopiedCountsOnlyAfterItStoppedChangingForTheSettleTime() throws IOException {
        PluginFolderScanner s = scanner();
        Path jar = dir.resolve("a.jar");
        Files.write(jar, new byte[64 * 1024]);
        scan(s);
        for (int piece = 0; piece < 5; piece++) { // a slow copy: a piece every 400 ms
            scanAfter(s, Duration.ofMillis(400));
            Files.write(jar, new byte[64 * 1024], StandardOpenOption.APPEND);
            scanAfter(s, Duration.ofMillis(1));
            assertEquals(List.of(), events, "reported while still growing");
        }
        scanAfter(s, Duration.ofMillis(999));
        assertEquals(List.of(), events, "reported before the settle time");
        assertEquals(s.nextSettleAt().orElseThrow(), clock.instant().plusMillis(1));
        scanAfter(s, Duration.ofMillis(1));
        assertEquals(List.of("added a.jar"), events);
        assertTrue(s.nextSettleAt().isEmpty());
        scanAfter(s, Duration.ofSeconds(5));
        assertEquals(List.of("added a.jar"), events, "reported once");
    }

    @Test
    void aRewriteWithTheSameSizeAndTimeIsSeenByItsHash() throws IOException {
        PluginFolderScanner s = scanner();
        Path jar = Files.write(dir.resolve("a.jar"), "version one".getBytes());
        FileTime time = Files.getLastModifiedTime(jar);
        scan(s, true);
        assertEquals(List.of("added a.jar"), events);
        Files.write(jar, "version two".getBytes());
        Files.setLastModifiedTime(jar, time); // a rewrite within one tick of a coarse file system clock
        scanAfter(s, Duration.ofMillis(10));
        scanAfter(s, SETTLE);
        assertEquals(List.of("added a.jar", "replaced a.jar"), events);
    }

    @Test
    void ignoredNamesAndRemovals() throws IOException {
        PluginFolderScanner s = scanner();
        for (String name : List.of(".hidden.jar", "b.jar.tmp", "b.jar.part", ".b.jar.swp", "b.jar.swp", "notes.txt")) {
            Files.writeString(dir.resolve(name), "x");
        }
        Files.createDirectory(dir.resolve("dir.jar"));
        Files.writeString(dir.resolve("b.jar"), "b");
        scan(s, true);
        assertEquals(List.of("added b.jar"), events);
        Files.writeString(dir.resolve("c.jar"), "c");
        scanAfter(s, Duration.ofMillis(10));
        Files.delete(dir.resolve("c.jar")); // gone before it settled: never reported
        Files.delete(dir.resolve("b.jar"));
        scanAfter(s, Duration.ofMillis(10));
        Files.writeString(dir.resolve("b.jar"), "b2"); // deleted, then written again: a replace, not a removal
        scanAfter(s, Duration.ofMillis(10));
        scanAfter(s, SETTLE);
        assertEquals(List.of("added b.jar", "replaced b.jar"), events);
        Files.delete(dir.resolve("b.jar"));
        scanAfter(s, Duration.ofMillis(10));
        assertEquals(2, events.size(), "not removed before it stayed away for the settle time");
        scanAfter(s, SETTLE);
        assertEquals(List.of("added b.jar", "replaced b.jar", "removed b.jar"), events);
        assertFalse(PluginFolderScanner.ignored("tcp-time-0.2.0.jar"));
    }

    @Test
    void aReloadTakesTheFolderAsItIsNowWithoutWaitingForJarsToSettle() throws IOException {
        PluginFolderScanner s = scanner();
        Files.writeString(dir.resolve("a.jar"), "a");
        scan(s, true);
        Files.writeString(dir.resolve("b.jar"), "b");
        Files.writeString(dir.resolve("a.jar"), "a2");
        scan(s, true); // no time passed: an operator's reload
        assertEquals(List.of("added a.jar", "replaced a.jar", "added b.jar"), events);
        Files.delete(dir.resolve("b.jar"));
        scan(s, true);
        assertEquals(List.of("added a.jar", "replaced a.jar", "added b.jar", "removed b.jar"), events);
    }

    @Test
    void pluginChangesAsReloadListsThem() {
        List<PluginStatus> before = List.of(new PluginStatus("a", "1.0", "a-1.jar"), new PluginStatus("b", "1.0", "b.jar"));
        List<PluginStatus> after = List.of(new PluginStatus("a", "2.0", "a-2.jar"), new PluginStatus("c", "0.1", "c.jar"));
        assertEquals(List.of("plugin a 1.0 replaced by 2.0 from a-2.jar", "plugin c 0.1 loaded from c.jar", "plugin b 1.0 removed"),
                PluginStatus.changes(before, after));
        assertEquals(List.of(), PluginStatus.changes(after, after));
    }
}
