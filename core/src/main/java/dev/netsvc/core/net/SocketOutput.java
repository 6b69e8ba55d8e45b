package dev.netsvc.core.net;

import dev.netsvc.core.internal.TcpCork;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

/**
 * The output of a connection a {@link BlockingTcpServer} serves, as a blocking channel: buffers go to the
 * socket in one (gathering) write each, and a file goes from the page cache to the socket by
 * {@code sendfile} ({@link #transferFrom}), never through the heap. Each write that completes counts as
 * activity for the server's idle sweep, as the socket's own streams do; a client that takes nothing for the
 * idle timeout is closed by the sweep, and the blocked write then fails.
 */
public final class SocketOutput implements GatheringByteChannel {

    /** What one wait for a full socket writes: see {@link #transferFrom}. */
    private static final int WAIT_CHUNK = 16 * 1024;
    private static final ByteBuffer NOTHING = ByteBuffer.allocateDirect(0);

    private final Socket socket;
    private final SocketChannel channel;
    private boolean wrote;

    private SocketOutput(Socket socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
    }

    /**
     * The output of {@code socket}, which a {@link BlockingTcpServer} gave its handler (or any socket of a
     * blocking {@link SocketChannel}).
     *
     * @throws IllegalArgumentException when the socket has no channel (one made by {@code new Socket()})
     */
    public static SocketOutput of(Socket socket) {
        SocketChannel channel = socket.getChannel();
        if (channel == null || !channel.isBlocking()) {
            throw new IllegalArgumentException("not the socket of a blocking SocketChannel (a BlockingTcpServer's): " + socket);
        }
        return new SocketOutput(socket, channel);
    }

    /** Writes all of {@code src}, waiting while the socket is full. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int total = 0;
        while (src.hasRemaining()) { // a blocking channel on a virtual thread may take part of it
            total += channel.write(src);
            touch();
        }
        return total;
    }

    /** Writes all of the buffers, each system call taking as many as the socket will. */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        int last = offset + length - 1;
        while (offset <= last) {
            total += channel.write(srcs, offset, last - offset + 1);
            touch();
            while (offset <= last && !srcs[offset].hasRemaining()) {
                offset++;
            }
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position} by {@code sendfile}, waiting
     * while the socket is full; returns how many went (at least one), or 0 when the file has no byte at
     * {@code position}. On a virtual thread the JDK's socket is non-blocking underneath and
     * {@code transferTo} does not wait for room, so a full socket is waited for by writing one small chunk
     * of the file through the channel, which parks until the client takes it; then {@code sendfile} goes on.
     */
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        if (count <= 0) {
            return 0;
        }
        if (!wrote) {
            // a write, even of nothing, makes a virtual thread's socket non-blocking underneath (the JDK
            // does so on its first read or write); sendfile on a blocking one would hold the carrier thread
            channel.write(NOTHING);
            wrote = true;
        }
        long n = TcpCork.transferTo(file, position, count, channel);
        if (n > 0) {
            touch();
            return n;
        }
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(count, WAIT_CHUNK));
        int read = file.read(chunk, position);
        if (read <= 0) {
            return 0; // the file ends before position
        }
        return write(chunk.flip());
    }

    private void touch() {
        if (socket instanceof ActivitySocket activity) {
            activity.touch();
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the connection. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
