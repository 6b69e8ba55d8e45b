package dev.netsvc.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A regular file under the document root, with the header lines that describe it encoded once: every
 * 200 and 304 for it copies bytes instead of formatting. Small files also carry their content (a
 * read-only direct buffer, written to sockets without another copy).
 *
 * @param path     the real path (symlinks resolved, checked to be inside the root)
 * @param size     the length in bytes
 * @param modified last modification, in epoch milliseconds
 * @param entity   {@code Content-Type}, {@code Content-Length}, {@code Last-Modified} and {@code ETag} lines
 * @param validators {@code Last-Modified} and {@code ETag} lines (for 304)
 * @param etag     the entity tag, quotes included
 * @param body     the content, or null when it is read from disk for each request
 */
record StaticFile(Path path, long size, long modified, byte[] entity, byte[] validators, String etag, ByteBuffer body)
        implements DocumentRoot.Resource {

    /** Describes {@code path} of {@code size} bytes; reads the content when {@code keepContent}. */
    static StaticFile of(Path path, long size, long modified, boolean keepContent) throws IOException {
        ByteBuffer body = null;
        if (keepContent) {
            body = read(path, size);
            size = body.remaining(); // the file may have changed since it was measured: trust what was read
        }
        String etag = "\"" + Long.toHexString(modified) + "-" + Long.toHexString(size) + "\"";
        String validators = "Last-Modified: " + HttpDates.format(modified) + "\r\nETag: " + etag + "\r\n";
        String entity = "Content-Type: " + ContentTypes.of(path.getFileName().toString()) + "\r\n"
                + "Content-Length: " + size + "\r\n" + validators;
        return new StaticFile(path, size, modified, HttpBytes.ascii(entity), HttpBytes.ascii(validators), etag,
                body == null ? null : body.asReadOnlyBuffer());
    }

    /** Modification time in whole seconds, the precision of HTTP dates. */
    long modifiedSeconds() {
        return Math.floorDiv(modified, 1000);
    }

    /** Opens the file for one response whose body is not kept in memory. */
    FileChannel open() throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    private static ByteBuffer read(Path path, long size) throws IOException {
        ByteBuffer body = ByteBuffer.allocateDirect((int) size);
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            while (body.hasRemaining() && file.read(body) >= 0) {
                // read until full or end of file
            }
        }
        return body.flip();
    }
}
