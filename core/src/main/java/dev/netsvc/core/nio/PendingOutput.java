package dev.netsvc.core.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * Output a connection could not write yet, in one growable heap buffer. It exists only while something
 * is pending, so idle connections hold none; its size is bounded by the server's backpressure (reading
 * stops at {@link NioOptions#maxPendingOutput()}), plus at most one handler's output on top.
 */
final class PendingOutput {

    private static final int MIN_CAPACITY = 4096;

    private ByteBuffer buffer; // read mode: pending bytes are [position, limit)

    PendingOutput(int expected) {
        buffer = ByteBuffer.allocate(Math.max(MIN_CAPACITY, expected)).flip();
    }

    int size() {
        return buffer.remaining();
    }

    boolean isEmpty() {
        return !buffer.hasRemaining();
    }

    /** Copies every remaining byte of {@code src}; its position moves to its limit. */
    void append(ByteBuffer src) {
        int n = src.remaining();
        if (buffer.capacity() - buffer.limit() < n) {
            makeRoom(n);
        }
        int at = buffer.limit();
        buffer.limit(at + n);
        buffer.put(at, src, src.position(), n);
        src.position(src.limit());
    }

    /** Writes what the channel takes; returns the number of bytes written. */
    int writeTo(GatheringByteChannel channel) throws IOException {
        return channel.write(buffer);
    }

    private void makeRoom(int n) {
        int size = buffer.remaining();
        if (buffer.capacity() - size >= n) {
            buffer.compact().flip(); // enough room once the written part is dropped
            return;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(size + n, buffer.capacity() * 2));
        bigger.put(buffer).flip();
        buffer = bigger;
    }
}
