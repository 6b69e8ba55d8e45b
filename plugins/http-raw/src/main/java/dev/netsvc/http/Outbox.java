package dev.netsvc.http;

import dev.netsvc.core.net.FileTransfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * What a connection owes its client, in order, and the access log entries of the responses in it. Response heads and small bodies are gathered in one
 * buffer, so the responses to pipelined requests go out in one write; cached bodies go out as shared
 * read-only buffers without a copy; large files as regions of a {@link FileChannel}: handed to the
 * kernel ({@code sendfile}) when the channel is a {@link FileTransfer}, else copied a chunk at a time as
 * the client takes them. Either way a download holds at most one chunk of memory. Buffers are borrowed from {@link SpareBuffers} and given back
 * once written, so an outbox with nothing to send holds none.
 */
final class Outbox {

    /** Bodies up to this size are copied next to their head: one write instead of two. */
    private static final int COPY_LIMIT = 8 * 1024;
    private static final int INITIAL_BUFFER = 2 * 1024;
    private static final int MAX_GATHER = 16;

    /** A file region still to send; the channel is closed when done. */
    private static final class FileRegion {
        final FileChannel file;
        final boolean sendfile;
        long position;
        final long end;

        FileRegion(FileChannel file, long length, boolean sendfile) {
            this.file = file;
            this.end = length;
            this.sendfile = sendfile;
        }
    }

    private final ArrayDeque<Object> queue = new ArrayDeque<>(); // ByteBuffer (read mode) or FileRegion
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private final ArrayDeque<AccessLog.Entry> entries = new ArrayDeque<>(); // in output order
    private final AccessLog accessLog;
    private ByteBuffer tail; // being filled, write mode; not in the queue yet
    private long size;
    private long appended; // every byte ever put: offsets in the connection's output stream
    private long written;  // every byte ever written

    Outbox(AccessLog accessLog) {
        this.accessLog = accessLog;
    }

    /** Bytes not yet written. */
    long size() {
        return size;
    }

    /** The offset of the next byte put: where a response body starts or ends, for its log entry. */
    long appended() {
        return appended;
    }

    /** Holds {@code entry} until its response (up to {@code entry.bodyEnd}) has been sent. */
    void log(AccessLog.Entry entry) {
        if (entry.bodyEnd <= written) {
            accessLog.finish(entry, entry.bodyEnd - entry.bodyStart);
        } else {
            entries.add(entry);
        }
    }

    /**
     * Logs the responses sent in full. {@code unsent}: bytes written but still held by the transport
     * (not yet taken by the socket).
     */
    void settle(long unsent) {
        long sent = written - unsent;
        AccessLog.Entry e;
        while ((e = entries.peek()) != null && e.bodyEnd <= sent) {
            entries.poll();
            accessLog.finish(e, e.bodyEnd - e.bodyStart);
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    void put(byte[] bytes) {
        put(bytes, 0, bytes.length);
    }

    void put(byte[] bytes, int offset, int length) {
        room(length).put(bytes, offset, length);
        size += length;
        appended += length;
    }

    /** Appends a shared body; {@code body} itself is not modified. */
    void put(ByteBuffer body) {
        int length = body.remaining();
        if (length == 0) {
            return;
        }
        if (length <= COPY_LIMIT) {
            room(length).put(body.duplicate());
        } else {
            seal();
            queue.add(body.asReadOnlyBuffer()); // read-only: never mistaken for one of our tails
        }
        size += length;
        appended += length;
    }

    /**
     * Appends the first {@code length} bytes of {@code file}, which the outbox closes when they are sent
     * (or dropped); by {@code sendfile} when asked and the channel can.
     */
    void put(FileChannel file, long length, boolean sendfile) {
        seal();
        queue.add(new FileRegion(file, length, sendfile));
        size += length;
        appended += length;
    }

    /**
     * Writes what {@code channel} accepts now: everything, for a blocking channel.
     *
     * @return true when nothing is left
     * @throws IOException also when a file turns out shorter than announced (the client got less than
     *                     the Content-Length promised: the connection must close)
     */
    boolean writeTo(WritableByteChannel channel) throws IOException {
        seal();
        while (!queue.isEmpty()) {
            Object head = queue.peek();
            long written;
            if (head instanceof FileRegion region) {
                written = region.sendfile && channel instanceof FileTransfer target
                        ? transfer(region, target) : writeChunk(region, channel);
                if (region.position == region.end) {
                    queue.poll();
                    region.file.close();
                }
            } else {
                written = writeBuffers(channel);
            }
            size -= written;
            this.written += written;
            if (written == 0 && !queue.isEmpty()) {
                return false; // the socket's send buffer is full
            }
        }
        return true;
    }

    private static long transfer(FileRegion region, FileTransfer target) throws IOException {
        long n = target.transferFrom(region.file, region.position, region.end - region.position);
        if (n == 0 && region.position >= region.file.size()) {
            throw new IOException("file shrank while being sent");
        }
        region.position += n;
        return n;
    }

    /**
     * Reads the next chunk of {@code region} into the thread's direct chunk buffer and writes it: from
     * the page cache to the socket without a copy through the heap, a chunk per write.
     */
    private static long writeChunk(FileRegion region, WritableByteChannel channel) throws IOException {
        ByteBuffer chunk = SpareBuffers.fileChunk();
        chunk.limit((int) Math.min(chunk.capacity(), region.end - region.position));
        int read = region.file.read(chunk, region.position);
        if (read <= 0) {
            throw new IOException("file shrank while being sent");
        }
        chunk.flip();
        int written = channel.write(chunk);
        region.position += written;
        return written;
    }

    /**
     * Drops whatever is left and closes its files (the connection is closing), and logs the responses
     * not sent in full with the body bytes that were. {@code unsent}: as for {@link #settle}.
     */
    void clear(long unsent) {
        settle(unsent);
        long sent = written - unsent;
        for (AccessLog.Entry e : entries) {
            accessLog.finish(e, Math.max(0, Math.min(sent, e.bodyEnd) - e.bodyStart));
        }
        entries.clear();
        for (Object o : queue) {
            if (o instanceof FileRegion region) {
                try {
                    region.file.close();
                } catch (IOException ignored) {
                    // nothing was read from it that matters now
                }
            }
        }
        queue.clear();
        tail = null;
        size = 0;
    }

    /**
     * Writes the queued buffers up to the next file in one (gathering) write. A file by {@code sendfile}
     * follows as a write of its own: core sends it with TCP_CORK on (nginx's {@code tcp_nopush}), in
     * full-sized segments.
     */
    private long writeBuffers(WritableByteChannel channel) throws IOException {
        int n = 0;
        for (Object o : queue) {
            if (n == MAX_GATHER || !(o instanceof ByteBuffer b)) {
                break;
            }
            gather[n++] = b;
        }
        long written = n > 1 && channel instanceof GatheringByteChannel g ? g.write(gather, 0, n) : channel.write(gather[0]);
        for (int done = 0; done < n && !gather[done].hasRemaining(); done++) {
            ByteBuffer sent = (ByteBuffer) queue.poll();
            if (!sent.isReadOnly()) {
                SpareBuffers.giveOutput(sent); // one of our tails (bodies are queued read-only)
            }
        }
        java.util.Arrays.fill(gather, 0, n, null);
        return written;
    }

    /** The tail with room for {@code length} more bytes. */
    private ByteBuffer room(int length) {
        if (tail == null) {
            tail = SpareBuffers.takeOutput(Math.max(INITIAL_BUFFER, length));
        }
        if (tail.remaining() < length) {
            int grown = Math.max(tail.capacity() * 2, tail.position() + length);
            ByteBuffer bigger = tail.isDirect() ? ByteBuffer.allocateDirect(grown) : ByteBuffer.allocate(grown);
            tail = bigger.put(tail.flip());
        }
        return tail;
    }

    /** Moves the tail into the queue, so that what follows it stays in order. */
    private void seal() {
        if (tail != null && tail.position() > 0) {
            queue.add(tail.flip());
            tail = null;
        }
    }
}
