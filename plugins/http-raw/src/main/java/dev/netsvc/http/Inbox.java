package dev.netsvc.http;

import java.nio.ByteBuffer;

/**
 * A connection's input buffer: none while the connection holds no unparsed input (it is borrowed from
 * {@link SpareBuffers} when bytes arrive and given back once they are parsed), small while requests
 * are short, grown (up to the longest line the limits allow) only while a long line is arriving. The
 * parser consumes from it in read mode.
 */
final class Inbox {

    static final int INITIAL = 2 * 1024;
    private static final ByteBuffer NONE = ByteBuffer.allocate(0); // capacity 0: nothing in it can change

    private final int max;
    private ByteBuffer buffer = NONE;

    /** @param max the largest size it may grow to */
    Inbox(int max) {
        this.max = Math.max(INITIAL, max);
    }

    /** The unparsed input, in read mode. */
    ByteBuffer buffer() {
        return buffer;
    }

    /**
     * The buffer in write mode with room for more input: unparsed bytes moved to the front, the buffer
     * grown when a line fills it, shrunk back when it is empty. Call {@link #filled()} after reading.
     */
    ByteBuffer writable() {
        if (buffer == NONE) {
            buffer = SpareBuffers.takeInput(INITIAL);
            return buffer;
        }
        if (!buffer.hasRemaining() && buffer.capacity() > INITIAL) {
            buffer = ByteBuffer.allocate(INITIAL);
            return buffer;
        }
        if (buffer.position() == 0 && buffer.limit() == buffer.capacity() && buffer.capacity() < max) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(max, buffer.capacity() * 2));
            bigger.put(buffer);
            buffer = bigger;
            return buffer;
        }
        return buffer.compact();
    }

    /** Back to read mode after {@link #writable()} and a read. */
    void filled() {
        buffer.flip();
    }

    /** Gives the buffer back if everything in it was parsed; the next read borrows one again. */
    void release() {
        if (buffer != NONE && !buffer.hasRemaining()) {
            if (buffer.capacity() == INITIAL) {
                SpareBuffers.giveInput(buffer);
            }
            buffer = NONE;
        }
    }
}
