package dev.netsvc.http;

import dev.netsvc.core.ClientException;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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

    /** Creates the temporary file now, before anything is sent, so a bad FILE fails fast. */
    static BodyFile create(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path part = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            return new BodyFile(file, part, new BufferedOutputStream(Files.newOutputStream(part)));
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

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
        return new ClientException("cannot write " + file + ": " + (e.getMessage() == null ? e : e.getMessage()), e);
    }
}
