package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks the file or folder a key's value names, as its {@link ConfigKey.Use} says the service will use
 * it, before anything starts: a configuration whose {@code http.root} does not exist is refused by
 * {@code check}, {@code reload} and {@code run} alike, naming the key, where it was set and the problem.
 */
final class PathChecks {

    private PathChecks() {
    }

    /**
     * Throws a {@link ConfigException} for key {@code full} (set to {@code text} in {@code source}) when the
     * file or folder it names, taken against {@code home} when relative, cannot be used as {@code use} says.
     */
    static void check(String full, ConfigKey.Use use, String text, String source, Path home) {
        if (use == ConfigKey.Use.VALUE || text.isBlank()) {
            return;
        }
        Path path;
        try {
            Path given = Path.of(text.strip());
            path = given.isAbsolute() ? given : home.resolve(given).normalize();
        } catch (InvalidPathException e) {
            return; // the key's own parser says what is wrong with the text
        }
        problem(use, path).ifPresent(p -> {
            throw new ConfigException(full, full + " (" + source + "): " + path + " " + p);
        });
    }

    /** Files larger than this are told apart by size and time instead of content. */
    private static final long DIGEST_LIMIT = 16 << 20;

    /**
     * What the content of the file a {@link ConfigKey.Use#READS_FILE} key names looks like now (a CRC32C of
     * it), so that a reload renews a service whose certificate or quotes file changed though its keys did
     * not; empty for other keys and for what cannot be read.
     */
    static Optional<String> digest(ConfigKey.Use use, String text, Path home) {
        if (use != ConfigKey.Use.READS_FILE || text.isBlank()) {
            return Optional.empty();
        }
        try {
            Path given = Path.of(text.strip());
            Path path = given.isAbsolute() ? given : home.resolve(given).normalize();
            long size = Files.size(path);
            if (size > DIGEST_LIMIT) {
                return Optional.of(size + "@" + Files.getLastModifiedTime(path).toMillis());
            }
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(Files.readAllBytes(path));
            return Optional.of(Long.toHexString(crc.getValue()));
        } catch (java.io.IOException | InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> problem(ConfigKey.Use use, Path path) {
        boolean exists = Files.exists(path);
        return switch (use) {
            case VALUE -> Optional.empty();
            case READS_FILE -> !exists ? Optional.of("does not exist")
                    : Files.isDirectory(path) ? Optional.of("is a folder; a file is expected")
                    : !Files.isRegularFile(path) ? Optional.of("is not a regular file")
                    : !Files.isReadable(path) ? Optional.of("cannot be read by this user (permission denied)")
                    : Optional.empty();
            case READS_DIRECTORY -> !exists ? Optional.of("does not exist")
                    : !Files.isDirectory(path) ? Optional.of("is not a folder")
                    : !Files.isReadable(path) || !Files.isExecutable(path)
                            ? Optional.of("cannot be read by this user (permission denied)")
                    : Optional.empty();
            case WRITES_FILE -> exists ? writableFile(path) : creatable(path);
            case RUNS_FILE -> !exists ? Optional.of("does not exist")
                    : Files.isDirectory(path) ? Optional.of("is a folder; a program is expected")
                    : !Files.isRegularFile(path) ? Optional.of("is not a regular file")
                    : !Files.isExecutable(path) ? Optional.of("is not executable by this user (permission denied, or no x bit)")
                    : Optional.empty();
        };
    }

    private static Optional<String> writableFile(Path path) {
        if (Files.isDirectory(path)) {
            return Optional.of("is a folder; a file is expected");
        }
        return Files.isWritable(path) ? Optional.empty() : Optional.of("cannot be written by this user (permission denied)");
    }

    // A file that does not exist yet can be made if its nearest existing folder is writable
    private static Optional<String> creatable(Path path) {
        Path dir = path.toAbsolutePath().getParent();
        while (dir != null && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            dir = dir.getParent();
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return Optional.of("cannot be created: " + (dir == null ? "no folder of it exists" : dir + " is not a folder"));
        }
        return Files.isWritable(dir) ? Optional.empty()
                : Optional.of("cannot be created: " + dir + " cannot be written by this user (permission denied)");
    }
}
