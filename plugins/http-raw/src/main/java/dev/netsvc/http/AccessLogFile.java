package dev.netsvc.http;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The access log file, appended to by the writer thread. For logrotate it reopens the path when the
 * file there is no longer the one it has open (renamed away, or replaced: a new file key, the inode on
 * Linux), checked once a second, or when asked ({@link AccessLog#reopen}). So logrotate's default
 * {@code create} mode works with no signal at all, and {@code copytruncate} works as with any appender.
 */
final class AccessLogFile implements AccessLog.Sink {

    private final Path path;
    private final Logger problems;
    private FileChannel channel;
    private Object fileKey;
    private boolean failing;

    private AccessLogFile(Path path, Logger problems) {
        this.path = path;
        this.problems = problems;
    }

    /** Opens (creates) {@code path} for appending; fails here, at start, if it cannot. */
    static AccessLogFile open(Path path, Logger problems) throws IOException {
        AccessLogFile file = new AccessLogFile(path, problems);
        file.openChannel();
        return file;
    }

    @Override
    public boolean timestamped() {
        return true;
    }

    /**
     * Appends the lines; when that fails half-way (a full disk takes what fits), the file is cut back to
     * where it ended before, so no half line stays on disk, and the cause is returned.
     */
    @Override
    public String write(byte[] lines, int length) {
        if (channel == null) {
            reopen(true);
            if (channel == null) {
                return "cannot open " + path;
            }
        }
        long before = -1;
        try {
            before = channel.size();
            ByteBuffer b = ByteBuffer.wrap(lines, 0, length);
            while (b.hasRemaining()) {
                channel.write(b);
            }
            return null;
        } catch (IOException e) {
            if (before >= 0) {
                try {
                    channel.truncate(before);
                } catch (IOException | UnsupportedOperationException ignored) {
                    // a device (/dev/full) takes nothing and cannot be cut: nothing to cut
                }
            }
            return path + ": " + dev.netsvc.core.FileErrors.reason(e);
        }
    }

    @Override
    public void reopen(boolean force) {
        if (!force && channel != null && Objects.equals(fileKey, currentKey())) {
            return;
        }
        closeChannel();
        try {
            openChannel();
            failing = false;
        } catch (IOException e) {
            if (!failing) {
                problems.warn("cannot reopen the access log {}: {}", path, e.toString());
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        closeChannel();
    }

    private void openChannel() throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        fileKey = currentKey();
    }

    private Object currentKey() {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return fileKey; // cannot tell: keep the file we have
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lines were written; nothing to do about a failing close
            }
            channel = null;
        }
    }
}
