package dev.netsvc.http;

import dev.netsvc.core.net.SocketOutput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;

/**
 * A blocking connection's output (core's {@link SocketOutput}) as the {@link Outbox}'s channel: every
 * write takes everything, gathered in one system call, and a large file goes by {@code sendfile}, waiting
 * while the client is slow to take it.
 */
final class SocketOutputChannel implements GatheringByteChannel, Outbox.FileTarget {

    private final SocketOutput output;

    SocketOutputChannel(SocketOutput output) {
        this.output = output;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return output.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return output.write(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return output.write(srcs);
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        return output.transferFrom(file, position, count);
    }

    @Override
    public boolean isOpen() {
        return output.isOpen();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }
}
