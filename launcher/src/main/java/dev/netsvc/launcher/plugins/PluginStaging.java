package dev.netsvc.launcher.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
public final class PluginStaging implements JarStore {

    private final Path dir;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * The staging folder of this process: {@code staged-plugins/<pid>} under {@code runDir} (or the
     * temporary directory when that is not writable), after removing the folders of processes that are
     * gone (a host that was killed leaves its copies behind).
     */
    public static PluginStaging forProcess(Path runDir) throws IOException {
        String pid = Long.toString(ProcessHandle.current().pid());
        try {
            return new PluginStaging(cleaned(runDir.resolve("staged-plugins")).resolve(pid));
        } catch (IOException e) {
            // a read-only installation, or one that belongs to another user: the temporary directory,
            // in a folder of this user's own (another user's would not be writable either)
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "netsvc-staged-plugins-" + System.getProperty("user.name"));
            return new PluginStaging(cleaned(tmp).resolve(pid));
        }
    }

    /** {@code root}, created if missing, without the folders of processes that are gone. */
    private static Path cleaned(Path root) throws IOException {
        Files.createDirectories(root);
        try (DirectoryStream<Path> others = Files.newDirectoryStream(root)) {
            for (Path other : others) {
                String name = other.getFileName().toString();
                if (name.length() < 19 && name.chars().allMatch(Character::isDigit) && ProcessHandle.of(Long.parseLong(name)).isEmpty()) {
                    deleteFolder(other);
                }
            }
        }
        return root;
    }

    private static void deleteFolder(Path folder) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(folder);
        } catch (IOException ignored) {
            // another host may be cleaning up at the same time; what is left goes next time
        }
    }

    /** Removes this process's folder (the host is stopping; its plugins are unloaded). */
    public void close() {
        deleteFolder(dir);
    }

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
     * Copies {@code jar} and returns the copy, or throws when the content no longer has {@code checksum}
     * (the file changed again after it settled; the next scan will see it). The checksum is of the bytes
     * as they are copied: the copy is not read back.
     */
    @Override
    public Path stage(Path jar, String checksum) throws IOException {
        Path copy = dir.resolve(sequence.incrementAndGet() + "-" + checksum + ".jar");
        Path partial = dir.resolve(copy.getFileName() + ".part");
        String copied;
        try (InputStream in = Files.newInputStream(jar); OutputStream out = Files.newOutputStream(partial)) {
            copied = PluginFolderScanner.checksum(in, out);
        }
        if (!copied.equals(checksum)) {
            Files.deleteIfExists(partial);
            throw new IOException("it changed while being copied");
        }
        return Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes a copy once its plugin is unloaded. */
    @Override
    public void discard(Path copy) {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException ignored) {
            // left for the next host start to remove
        }
    }
}
