package dev.netsvc.http;

import dev.netsvc.core.net.FileTransfer;
import dev.netsvc.core.nio.Connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;

/**
 * An event-loop {@link Connection} seen as a non-blocking channel, so the {@link Outbox} writes to it
 * as to a socket: it takes everything while nothing is pending (the connection keeps what the socket
 * refuses) and nothing once something is, until the output drains. So a large file moves a chunk at a
 * time as the client reads, and at most one chunk ever waits in memory; or, as a {@link FileTransfer},
 * goes from the file to the socket by {@code sendfile} and waits in no memory at all (but for its first
 * chunk, which goes with the response head).
 */
final class ConnectionChannel implements GatheringByteChannel, FileTransfer {

    private final Connection connection;

    ConnectionChannel(Connection connection) {
        this.connection = connection;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (connection.pendingOutput() > 0) {
            return 0;
        }
        int n = src.remaining();
        connection.write(src);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (connection.pendingOutput() > 0) {
            return 0;
        }
        ByteBuffer[] batch = offset == 0 && length == srcs.length ? srcs : Arrays.copyOfRange(srcs, offset, offset + length);
        long n = 0;
        for (ByteBuffer b : batch) {
            n += b.remaining();
        }
        connection.write(batch);
        return n;
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        return connection.transferFrom(file, position, count);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        connection.close();
    }
}
