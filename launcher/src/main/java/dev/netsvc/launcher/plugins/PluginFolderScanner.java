package dev.netsvc.launcher.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Decides, one scan at a time, which jars in the plugins folder have settled, and reports what changed.
 * A jar counts once it has looked the same (size, modification time <em>and</em> checksum of its content)
 * in scans at least {@code settle} apart on the injected clock: a jar still being copied keeps changing,
 * and the content hash catches a rewrite of the same size within the file system's time resolution. The
 * scanner only reads; callers (the watcher thread, tests) decide when to scan.
 *
 * <p>Per file name: unseen → settling (its look changed in the last scan) → reported (a scan returned
 * this content) → settling again when it changes, or removed when it disappears.
 */
public final class PluginFolderScanner {

    private record Look(long size, FileTime modified, String checksum, Instant since) {
        boolean sameAs(Look other) {
            return size == other.size && modified.equals(other.modified) && checksum.equals(other.checksum);
        }
    }

    private final Path dir;
    private volatile Duration settle;
    private final Clock clock;
    private final Map<String, Look> looks = new LinkedHashMap<>();
    private final Map<String, String> reported = new LinkedHashMap<>();
    private final Map<String, Instant> missingSince = new LinkedHashMap<>();

    public PluginFolderScanner(Path dir, Duration settle, Clock clock) {
        this.dir = dir;
        this.settle = settle;
        this.clock = clock;
    }

    /** The folder it scans. */
    public Path dir() {
        return dir;
    }

    /** How long a jar must stay unchanged to count (plugins.scan-interval). */
    public void settle(Duration settle) {
        this.settle = settle;
    }

    /** Names the host never looks at: hidden files, and the temporary files of copy tools and editors. */
    static boolean ignored(String name) {
        return name.startsWith(".") || name.endsWith(".tmp") || name.endsWith(".part") || name.endsWith(".swp")
                || !name.endsWith(".jar");
    }

    /**
     * Looks at the folder once and returns what settled or disappeared, in the order it happened. With {@code asItIsNow} the folder
     * as it is now counts: a jar new or changed since the last look counts at once and a jar gone is
     * removed at once (the folder as the host finds it when it starts, or when the operator says
     * {@code reload}: the jars are in place).
     * Synchronised: the watcher thread and a reload may scan at the same time.
     */
    public synchronized List<JarChange> scan(boolean asItIsNow) throws IOException {
        Instant now = clock.instant();
        List<JarChange> changes = new ArrayList<>();
        Map<String, Look> current = new TreeMap<>();
        for (Path file : list()) {
            Look previous = looks.get(file.getFileName().toString());
            Look look = look(file, now);
            if (look != null) {
                current.put(file.getFileName().toString(), previous != null && previous.sameAs(look) ? previous : look);
            }
        }
        for (Iterator<String> names = looks.keySet().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!current.containsKey(name)) {
                names.remove();
                if (reported.containsKey(name)) {
                    missingSince.putIfAbsent(name, now);
                }
            }
        }
        // a reported jar counts as removed once it stayed away for the settle time: a copy that deletes
        // the old file before writing the new one (cp --remove-destination, a replacing move) is a replace
        for (Iterator<Map.Entry<String, Instant>> gone = missingSince.entrySet().iterator(); gone.hasNext(); ) {
            Map.Entry<String, Instant> entry = gone.next();
            if (current.containsKey(entry.getKey())) {
                gone.remove();
            } else if (asItIsNow || !now.isBefore(entry.getValue().plus(settle))) {
                gone.remove();
                reported.remove(entry.getKey());
                changes.add(JarChange.removed(entry.getKey()));
            }
        }
        for (Map.Entry<String, Look> entry : current.entrySet()) {
            String name = entry.getKey();
            Look look = entry.getValue();
            Look previous = looks.put(name, look);
            boolean settled = asItIsNow || (previous == look && !now.isBefore(look.since().plus(settle)));
            if (settled && !look.checksum().equals(reported.get(name))) {
                boolean known = reported.put(name, look.checksum()) != null;
                changes.add(new JarChange(known ? JarChange.Kind.REPLACED : JarChange.Kind.ADDED, name, dir.resolve(name),
                        look.checksum()));
            }
        }
        return changes;
    }

    /** Scans as a running host does: a jar counts only after it stayed unchanged for the settle time. */
    public List<JarChange> scan() throws IOException {
        return scan(false);
    }

    /** When a jar still settling will have settled, or empty when none is: the watcher scans again then. */
    synchronized java.util.Optional<Instant> nextSettleAt() {
        Instant next = null;
        for (Instant gone : missingSince.values()) {
            Instant at = gone.plus(settle);
            next = next == null || at.isBefore(next) ? at : next;
        }
        for (Map.Entry<String, Look> entry : looks.entrySet()) {
            Look look = entry.getValue();
            if (!look.checksum().equals(reported.get(entry.getKey()))) {
                Instant at = look.since().plus(settle);
                next = next == null || at.isBefore(next) ? at : next;
            }
        }
        return java.util.Optional.ofNullable(next);
    }

    private Iterable<Path> list() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (!ignored(p.getFileName().toString())) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    // null when the file vanished or is not a regular file (a directory named x.jar)
    private static Look look(Path file, Instant now) throws IOException {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return null;
            }
            return new Look(attrs.size(), attrs.lastModifiedTime(), checksum(file), now);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A checksum of a file's content (CRC32C, in hex). Not SHA-256: at start, before the JIT has compiled
     * it, SHA-256 runs interpreted and the first use loads the security providers (a tenth of the plugins
     * phase of a start); CRC32C is an intrinsic from the first call. It tells a jar that changed from one
     * that did not, which is all it is for: whoever can write to plugins/ chooses the code anyway.
     */
    static String checksum(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return checksum(in, OutputStream.nullOutputStream());
        }
    }

    /** Copies {@code in} to {@code out} and returns the checksum of the bytes that went through. */
    static String checksum(InputStream in, OutputStream out) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            crc.update(buffer, 0, n);
            out.write(buffer, 0, n);
        }
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
