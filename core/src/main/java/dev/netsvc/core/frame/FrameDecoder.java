package dev.netsvc.core.frame;

import java.nio.ByteBuffer;

/**
 * Cuts one connection's input into frames, as its {@link Framing} says: a pure parser, bytes in and
 * frames out, with no socket or thread, so every engine (and a test) drives it the same way. Feed it the
 * input as it arrives, in any pieces; {@link #next} returns each whole frame's payload, or null when it
 * needs more. A frame that arrived whole in one piece is handed out as a view of the input (no copy);
 * one split across pieces is gathered here, in a buffer that never grows past the framing's limit.
 *
 * <pre>{@code
 * ByteBuffer frame;
 * while ((frame = decoder.next(input)) != null) {
 *     answer(frame);
 * }
 * }</pre>
 *
 * <p>A returned frame is valid until the next call to this decoder (or, when it is a view of the input,
 * until the input is reused): copy what you keep. Not thread-safe: one decoder per connection.
 */
public final class FrameDecoder {

    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL = 64;
    /** A gathering buffer larger than this is dropped after its frame: a long frame does not pin memory. */
    private static final int KEEP = 8192;

    private final Framing framing;
    private byte[] pending = EMPTY; // an incomplete frame (a length-prefixed frame: with its length)
    private int size; // bytes of it in 'pending'
    private boolean handedOut; // the last frame returned was a view of 'pending': forget it on the next call

    FrameDecoder(Framing framing) {
        this.framing = framing;
    }

    /**
     * The next whole frame's payload: takes bytes from {@code input} (advancing its position) until a frame
     * is whole, and returns it; null once {@code input} is used up without completing one (its bytes are
     * kept here for the next call). Call it again until null: one piece of input may hold several frames.
     *
     * @throws FrameException when a frame is longer than the limit (found as soon as its bytes, or its
     *                        length, say so); the connection's input is then unusable
     */
    public ByteBuffer next(ByteBuffer input) throws FrameException {
        forgetHandedOut();
        return framing.isLengthPrefixed() ? nextAfterLength(input) : nextDelimited(input);
    }

    /**
     * The input ended: the frame it ended in, if any. An unfinished line or delimited frame is returned as
     * it is (a line without its ending); null when nothing was pending.
     *
     * @throws FrameException when the input ended inside a length-prefixed frame
     */
    public ByteBuffer end() throws FrameException {
        forgetHandedOut();
        if (size == 0) {
            return null;
        }
        if (framing.isLengthPrefixed()) {
            int had = size;
            size = 0;
            throw new FrameException(FrameException.Reason.MALFORMED, "the input ended inside a frame, after "
                    + had + (had == 1 ? " byte" : " bytes") + " of it");
        }
        return pendingFrame(size);
    }

    /**
     * The client paused ({@link Framing#withPause}): what is pending is a frame, returned as {@link #end}
     * would; null when nothing is pending.
     *
     * @throws FrameException        when what is pending is longer than the limit
     * @throws IllegalStateException for a length-prefixed framing, whose frames cannot end at a pause
     */
    public ByteBuffer flush() throws FrameException {
        if (framing.isLengthPrefixed()) {
            throw new IllegalStateException("a length-prefixed frame cannot end at a pause");
        }
        forgetHandedOut();
        return size == 0 ? null : pendingFrame(size);
    }

    /** Bytes of an unfinished frame held here. */
    public int pending() {
        return handedOut ? 0 : size;
    }

    // ---- lines and delimited frames ----------------------------------------------------------------------

    /** Bytes a frame may have before its delimiter: the limit, and a line's CR before its LF. */
    private int room() {
        return framing.maxLength() + (framing.isLines() ? 1 : 0);
    }

    private ByteBuffer nextDelimited(ByteBuffer input) throws FrameException {
        byte[] delimiter = framing.delimiter();
        int start = input.position();
        if (size == 0) {
            int at = indexOf(input, start, input.limit(), delimiter);
            if (at >= 0) { // the common case: a whole frame in this piece, handed out without a copy
                checkRoom(at - start);
                input.position(at + delimiter.length);
                return strip(input.slice(start, at - start));
            }
        } else {
            int straddle = straddle(input, delimiter);
            if (straddle > 0) { // the delimiter began at the end of what was pending
                input.position(start + straddle);
                return pendingFrame(size - (delimiter.length - straddle));
            }
            int at = indexOf(input, start, input.limit(), delimiter);
            if (at >= 0) {
                checkRoom(size + at - start);
                append(input, at - start);
                input.position(at + delimiter.length);
                return pendingFrame(size);
            }
        }
        // no end yet: keep it all, unless it is already longer than any frame (and its delimiter) can be
        checkRoom(size + input.remaining() - (delimiter.length - 1));
        append(input, input.remaining());
        return null;
    }

    private void checkRoom(int bytes) throws FrameException {
        if (bytes > room()) {
            throw new FrameException(FrameException.Reason.TOO_LONG,
                    framing.what() + " longer than " + framing.maxLength() + " bytes");
        }
    }

    /**
     * How many bytes at the start of {@code input} complete a delimiter whose first bytes end what is
     * pending; 0 if none does. Only for delimiters of more than one byte.
     */
    private int straddle(ByteBuffer input, byte[] delimiter) {
        for (int head = Math.min(delimiter.length - 1, size); head >= 1; head--) {
            int rest = delimiter.length - head;
            if (input.remaining() < rest || !matches(pending, size - head, delimiter, 0, head)) {
                continue;
            }
            boolean tail = true;
            for (int i = 0; i < rest && tail; i++) {
                tail = input.get(input.position() + i) == delimiter[head + i];
            }
            if (tail) {
                return rest;
            }
        }
        return 0;
    }

    /** A line loses the CR before its LF; then the limit is checked without it. */
    private ByteBuffer strip(ByteBuffer frame) throws FrameException {
        int n = frame.remaining();
        if (framing.isLines() && n > 0 && frame.get(frame.limit() - 1) == '\r') {
            frame.limit(frame.limit() - 1);
            n--;
        }
        framing.checkLength(n);
        return frame;
    }

    // ---- length-prefixed frames --------------------------------------------------------------------------

    private ByteBuffer nextAfterLength(ByteBuffer input) throws FrameException {
        int prefix = framing.prefixBytes();
        int start = input.position();
        if (size == 0 && input.remaining() >= prefix) {
            long length = length(input, start, prefix);
            framing.checkLength(length);
            if (input.remaining() - prefix >= length) { // the common case: handed out without a copy
                input.position(start + prefix + (int) length);
                return input.slice(start + prefix, (int) length);
            }
        }
        if (size < prefix) {
            append(input, Math.min(prefix - size, input.remaining()));
            if (size < prefix) {
                return null;
            }
        }
        long length = length(ByteBuffer.wrap(pending), 0, prefix);
        framing.checkLength(length);
        append(input, (int) Math.min(prefix + length - size, input.remaining()));
        if (size < prefix + length) {
            return null;
        }
        handedOut = true;
        return ByteBuffer.wrap(pending, prefix, (int) length).slice();
    }

    /** The big-endian unsigned length of {@code prefix} bytes at {@code at}. */
    static long length(ByteBuffer b, int at, int prefix) {
        long length = 0;
        for (int i = 0; i < prefix; i++) {
            length = (length << 8) | (b.get(at + i) & 0xFF);
        }
        return length;
    }

    // ---- the gathering buffer ----------------------------------------------------------------------------

    private void append(ByteBuffer input, int n) {
        if (size + n > pending.length) {
            int capacity = Math.max(INITIAL, pending.length);
            while (capacity < size + n) {
                capacity *= 2;
            }
            // never beyond the largest frame on the wire (and what may follow a line before its LF)
            byte[] grown = new byte[Math.min(capacity, framing.maxFrameBytes() + 1)];
            System.arraycopy(pending, 0, grown, 0, size);
            pending = grown;
        }
        input.get(pending, size, n);
        size += n;
    }

    /** The first {@code length} pending bytes as a frame, handed out until the next call. */
    private ByteBuffer pendingFrame(int length) throws FrameException {
        handedOut = true;
        return strip(ByteBuffer.wrap(pending, 0, length).slice());
    }

    private void forgetHandedOut() {
        if (handedOut) {
            handedOut = false;
            size = 0;
            if (pending.length > KEEP) {
                pending = EMPTY;
            }
        }
    }

    // ---- searching ---------------------------------------------------------------------------------------

    /** Where {@code needle} first starts in {@code b} between {@code from} and {@code to}; -1 if nowhere. */
    static int indexOf(ByteBuffer b, int from, int to, byte[] needle) {
        byte first = needle[0];
        for (int i = from, last = to - needle.length; i <= last; i++) {
            if (b.get(i) == first && (needle.length == 1 || matches(b, i, needle))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(ByteBuffer b, int at, byte[] needle) {
        for (int i = 1; i < needle.length; i++) {
            if (b.get(at + i) != needle[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(byte[] a, int at, byte[] needle, int from, int n) {
        for (int i = 0; i < n; i++) {
            if (a[at + i] != needle[from + i]) {
                return false;
            }
        }
        return true;
    }
}
