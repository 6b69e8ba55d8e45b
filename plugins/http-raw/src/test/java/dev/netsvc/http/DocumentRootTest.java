package dev.netsvc.http;

import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What paths name, and the cache's bounds and freshness, on the injected clock. */
class DocumentRootTest {

    @TempDir
    Path www;
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void theCacheStaysWithinItsSizeAndEvictedFilesAreStillServed() throws IOException {
        for (int i = 0; i < 50; i++) {
            Files.writeString(www.resolve("f" + i + ".txt"), "x".repeat(1000) + i);
        }
        DocumentRoot root = new DocumentRoot(www, 8_000, 2_000, clock);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 50; i++) {
                StaticFile file = (StaticFile) root.find("/f" + i + ".txt");
                assertEquals(1000 + String.valueOf(i).length(), file.size());
                assertTrue(root.cachedBytes() <= 8_000, "cache within its size: " + root.cachedBytes());
            }
        }
    }

    @Test
    void smallFilesAreKeptInMemoryAndLargeOnesAreNot() throws IOException {
        Files.writeString(www.resolve("small.txt"), "small");
        Files.write(www.resolve("large.bin"), new byte[5000]);
        DocumentRoot root = new DocumentRoot(www, 1 << 20, 4096, clock);
        StaticFile small = (StaticFile) root.find("/small.txt");
        assertEquals("small", StandardCharsets.US_ASCII.decode(small.body().duplicate()).toString());
        assertNull(((StaticFile) root.find("/large.bin")).body());
        assertEquals(0, new DocumentRoot(www, 0, 4096, clock).cachedBytes(), "size 0: no cache");
    }

    @Test
    void anEntryIsReusedWithinASecondAndCheckedAgainAfter() throws IOException {
        Path notes = Files.writeString(www.resolve("notes.txt"), "one");
        DocumentRoot root = new DocumentRoot(www, 1 << 20, 4096, clock);
        StaticFile first = (StaticFile) root.find("/notes.txt");
        Files.writeString(notes, "two!");
        clock.advance(Duration.ofMillis(999));
        assertSame(first, root.find("/notes.txt"), "not looked at again within the second");
        clock.advance(Duration.ofMillis(1));
        StaticFile second = (StaticFile) root.find("/notes.txt");
        assertEquals(4, second.size());
        clock.advance(Duration.ofSeconds(2));
        assertSame(second, root.find("/notes.txt"), "unchanged on disk: the same entry, content not read again");
        Files.delete(notes);
        clock.advance(Duration.ofSeconds(2));
        assertSame(DocumentRoot.Outcome.NOT_FOUND, root.find("/notes.txt"));
    }

    @Test
    void directoriesAndWhatIsNotAFile() throws IOException {
        Files.createDirectories(www.resolve("docs"));
        Files.writeString(www.resolve("docs/index.html"), "docs");
        DocumentRoot root = new DocumentRoot(www, 1 << 20, 4096, clock);
        assertSame(DocumentRoot.Outcome.ADD_SLASH, root.find("/docs"));
        assertNotNull(((StaticFile) root.find("/docs/")).body());
        assertSame(DocumentRoot.Outcome.NOT_FOUND, root.find("/docs/index.html/"));
        assertSame(DocumentRoot.Outcome.NOT_FOUND, root.find("/missing/x"));
    }
}
