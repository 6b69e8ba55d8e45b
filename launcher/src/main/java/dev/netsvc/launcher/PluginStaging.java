package dev.netsvc.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host's own copies of plugin jars. PF4J keeps a jar open after loading it (and some class loaders
 * after unloading), so the host never loads from plugins/: each jar is copied here under a name made of
 * its content hash, checked against that hash, and loaded from the copy. The file in plugins/ can then
 * be overwritten or deleted at any moment.
 */
final class PluginStaging {

    private final Path dir;
    private final AtomicLong sequence = new AtomicLong();

    /** Uses {@code dir}, removing copies a previous host left behind (it was killed, say). */
    PluginStaging(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Copies {@code jar} and returns the copy, or throws when the content no longer has {@code sha256}
     * (the file changed again after it settled; the next scan will see it).
     */
    Path stage(Path jar, String sha256) throws IOException {
        Path copy = dir.resolve(sequence.incrementAndGet() + "-" + sha256.substring(0, 16) + ".jar");
        Path partial = dir.resolve(copy.getFileName() + ".part");
        Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
        if (!PluginFolderScanner.sha256(partial).equals(sha256)) {
            Files.deleteIfExists(partial);
            throw new IOException("it changed while being copied");
        }
        return Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes a copy once its plugin is unloaded. */
    void discard(Path copy) {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException ignored) {
            // left for the next host start to remove
        }
    }
}
