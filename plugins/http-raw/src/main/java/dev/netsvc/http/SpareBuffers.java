package dev.netsvc.http;

import java.nio.ByteBuffer;

/**
 * One spare input and one spare output buffer per thread, lent to whichever connection needs one right
 * now. On an event loop, where one thread serves thousands of connections one event at a time, an idle
 * connection then holds no buffer at all and the busy ones share two warm buffers; on a virtual thread
 * per connection it is simply that connection's pair. A connection gives a buffer back only when it
 * holds nothing in it, and never uses it after.
 */
final class SpareBuffers {

    private static final ThreadLocal<SpareBuffers> OF_THREAD = ThreadLocal.withInitial(SpareBuffers::new);

    /** File bodies move in chunks of this size: large enough for few system calls, small enough to lend. */
    static final int FILE_CHUNK = 64 * 1024;

    private ByteBuffer input;
    private ByteBuffer output;
    private ByteBuffer fileChunk;

    private SpareBuffers() {
    }

    /** A cleared heap buffer of exactly {@code size} bytes for input. */
    static ByteBuffer takeInput(int size) {
        SpareBuffers spare = OF_THREAD.get();
        ByteBuffer b = spare.input;
        spare.input = null;
        return b != null && b.capacity() == size ? b.clear() : ByteBuffer.allocate(size);
    }

    static void giveInput(ByteBuffer b) {
        OF_THREAD.get().input = b;
    }

    /**
     * A cleared buffer of at least {@code size} bytes for output: direct on an event loop's thread, where
     * one spare serves every connection and a heap buffer would be copied into a temporary direct one on
     * every write; on the heap on a virtual thread, whose spare is its connection's own.
     */
    static ByteBuffer takeOutput(int size) {
        SpareBuffers spare = OF_THREAD.get();
        ByteBuffer b = spare.output;
        spare.output = null;
        if (b != null && b.capacity() >= size) {
            return b.clear();
        }
        return Thread.currentThread().isVirtual() ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
    }

    /** The thread's direct buffer for file chunks, cleared; its content is used up before the next call. */
    static ByteBuffer fileChunk() {
        SpareBuffers spare = OF_THREAD.get();
        if (spare.fileChunk == null) {
            spare.fileChunk = ByteBuffer.allocateDirect(FILE_CHUNK);
        }
        return spare.fileChunk.clear();
    }

    static void giveOutput(ByteBuffer b) {
        SpareBuffers spare = OF_THREAD.get();
        if (spare.output == null || spare.output.capacity() < b.capacity()) {
            spare.output = b;
        }
    }
}
