package dev.netsvc.http;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.FileErrors;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * {@code -o FILE}: the body goes to a temporary file beside FILE, renamed to FILE only when complete,
 * so FILE is never left half-written. Failures to write it are reported as such, not as network errors.
 */
final class BodyFile implements AutoCloseable {

    private final Path file;
    private final Path part;
    private final OutputStream out;
    private boolean committed;

    private BodyFile(Path file, Path part, OutputStream out) {
        this.file = file;
        this.part = part;
        this.out = out;
    }

    /** Names tried for the temporary file before giving up (another process may hold each). */
    private static final int PART_ATTEMPTS = 16;

    /**
     * Creates the temporary file now, before anything is sent, so a bad FILE fails fast. It is created
     * with the default permissions (0666 less the umask, like curl's and the shell's files), not with
     * the owner-only mode of {@link Files#createTempFile}, since it becomes FILE.
     */
    static BodyFile create(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new ClientException("cannot write " + file + ": it is a directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new ClientException("cannot write " + file + ": the folder " + dir
                    + (Files.exists(dir) ? " is not a folder" : " does not exist"));
        }
        for (int attempt = 0; attempt < PART_ATTEMPTS; attempt++) {
            Path part = dir.resolve("." + file.getFileName() + "." + Long.toHexString(RANDOM.nextLong() >>> 16) + ".part");
            try {
                OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new BodyFile(file, part, new BufferedOutputStream(out));
            } catch (FileAlreadyExistsException e) {
                // taken: try another name
            } catch (IOException e) {
                throw cannotWrite(file, e);
            }
        }
        throw new ClientException("cannot write " + file + ": no free name for a temporary file in " + dir);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the body goes; a failure to write is a {@link ClientException} naming FILE. */
    OutputStream stream() {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw cannotWrite(file, e);
                }
            }

            @Override
            public void flush() {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw cannotWrite(file, e);
                }
            }
        };
    }

    /** The body is complete: FILE gets it. */
    void commit() {
        try {
            out.close();
            try {
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    /** Removes the temporary file unless the body was committed. */
    @Override
    public void close() {
        if (!committed) {
            try {
                out.close();
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // the first failure is the one worth reporting
            }
        }
    }

    private static ClientException cannotWrite(Path file, IOException e) {
        return new ClientException("cannot write " + file + ": " + FileErrors.reason(e), e);
    }
}
