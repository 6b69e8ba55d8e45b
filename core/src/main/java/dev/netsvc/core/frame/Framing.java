package dev.netsvc.core.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a byte stream is cut into messages ("frames"), and how a message is framed to be sent: lines,
 * frames that end with a delimiter, or frames after a big-endian length. Every framing has a limit, so a
 * client cannot make a connection buffer without end: a longer frame is a {@link FrameException}.
 * Immutable; one instance serves every connection, each of which reads with a {@link FrameDecoder} of its
 * own ({@link #decoder()}).
 *
 * <table>
 *   <caption>The framings</caption>
 *   <tr><th>factory</th><th>a frame is</th><th>{@link #encode} adds</th></tr>
 *   <tr><td>{@link #lines}</td><td>bytes up to LF, without the LF or a CR before it</td><td>CR LF</td></tr>
 *   <tr><td>{@link #delimited}</td><td>bytes up to the delimiter, without it</td><td>the delimiter</td></tr>
 *   <tr><td>{@link #lengthPrefixed}</td><td>a 1, 2 or 4 byte big-endian unsigned length, then that many bytes</td>
 *       <td>the length</td></tr>
 * </table>
 *
 * <p>Where the stream ends inside a line or a delimited frame, what came is the last frame (as a shell's
 * last line without a newline); inside a length-prefixed frame it is a {@link FrameException.Reason#MALFORMED}
 * input. A datagram is one whole frame ({@link #single}).
 *
 * <p>Lines and delimited frames may also end when the client pauses ({@link #withPause}): the socket
 * tutorials' servers answer whatever one {@code recv()} returned, and their clients send words without a
 * newline and wait; with a pause of 50 ms they are answered too, as are {@code nc} users who end lines.
 */
public final class Framing {

    private enum Kind { LINES, DELIMITED, LENGTH_PREFIXED }

    /** The largest limit a framing may have (1 GiB): a frame and its ending must fit an array. */
    public static final int MAX_LENGTH = 1 << 30;

    private static final byte[] LF = {'\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    private final Kind kind;
    private final int maxLength;
    private final byte[] delimiter;
    private final int prefixBytes;
    private final Duration pause;

    private Framing(Kind kind, int maxLength, byte[] delimiter, int prefixBytes, Duration pause) {
        if (maxLength < 1 || maxLength > MAX_LENGTH) {
            throw new IllegalArgumentException("maxLength must be 1.." + MAX_LENGTH + ", not " + maxLength);
        }
        this.kind = kind;
        this.maxLength = maxLength;
        this.delimiter = delimiter;
        this.prefixBytes = prefixBytes;
        this.pause = pause;
    }

    /**
     * Lines ended by LF or CR LF, of at most {@code maxLength} bytes each (not counting the ending);
     * {@link #encode} ends them with CR LF.
     */
    public static Framing lines(int maxLength) {
        return new Framing(Kind.LINES, maxLength, LF, 0, null);
    }

    /** Frames ended by {@code delimiter} (1 to 16 bytes), of at most {@code maxLength} bytes each without it. */
    public static Framing delimited(byte[] delimiter, int maxLength) {
        if (delimiter.length < 1 || delimiter.length > 16) {
            throw new IllegalArgumentException("a delimiter has 1 to 16 bytes, not " + delimiter.length);
        }
        return new Framing(Kind.DELIMITED, maxLength, delimiter.clone(), 0, null);
    }

    /**
     * Frames after their length: {@code prefixBytes} (1, 2 or 4) bytes, big-endian, unsigned, counting the
     * bytes after it; at most {@code maxLength}, which must fit the prefix (255 for one byte, 65,535 for two).
     */
    public static Framing lengthPrefixed(int prefixBytes, int maxLength) {
        if (prefixBytes != 1 && prefixBytes != 2 && prefixBytes != 4) {
            throw new IllegalArgumentException("a length prefix has 1, 2 or 4 bytes, not " + prefixBytes);
        }
        if (prefixBytes < 4 && maxLength >= 1 << (8 * prefixBytes)) {
            throw new IllegalArgumentException("a " + prefixBytes + "-byte length cannot announce " + maxLength
                    + " bytes; at most " + ((1 << (8 * prefixBytes)) - 1));
        }
        return new Framing(Kind.LENGTH_PREFIXED, maxLength, null, prefixBytes, null);
    }

    /**
     * The same framing, where a frame also ends when no more input comes for {@code pause} after some did
     * (the tutorials' framing by {@code recv()}); only for lines and delimited frames. The pause is timed
     * on the service's clock by {@link FrameReader} (the blocking engine).
     */
    public Framing withPause(Duration pause) {
        if (kind == Kind.LENGTH_PREFIXED) {
            throw new IllegalArgumentException("a length-prefixed frame cannot end at a pause: its length says where it ends");
        }
        if (pause.isNegative() || pause.isZero()) {
            throw new IllegalArgumentException("pause must be positive, not " + pause);
        }
        return new Framing(kind, maxLength, delimiter, prefixBytes, pause);
    }

    /** The longest frame, in bytes, not counting its line ending, delimiter or length. */
    public int maxLength() {
        return maxLength;
    }

    /** The most bytes one frame takes on the wire: {@link #maxLength()} plus its ending or length. */
    public int maxFrameBytes() {
        return maxLength + overhead();
    }

    /** How long a client may pause before what it sent is a frame ({@link #withPause}); empty if never. */
    public Optional<Duration> pause() {
        return Optional.ofNullable(pause);
    }

    /** A decoder for one connection's input. */
    public FrameDecoder decoder() {
        return new FrameDecoder(this);
    }

    // ---- encoding --------------------------------------------------------------------------------------

    /**
     * {@code payload}'s remaining bytes framed: followed by CR LF or the delimiter, or after their length.
     * The payload's position does not move.
     *
     * @throws IllegalArgumentException if it is longer than {@link #maxLength()}, or holds a line's LF or
     *                                  the delimiter, which would end the frame early
     */
    public ByteBuffer encode(ByteBuffer payload) {
        int n = payload.remaining();
        if (n > maxLength) {
            throw new IllegalArgumentException(what() + " of " + n + " bytes is longer than the limit of " + maxLength);
        }
        ByteBuffer framed = ByteBuffer.allocate(n + overhead());
        switch (kind) {
            case LINES, DELIMITED -> {
                if (FrameDecoder.indexOf(payload, payload.position(), payload.limit(), delimiter) >= 0) {
                    throw new IllegalArgumentException("a " + what() + " cannot contain "
                            + (kind == Kind.LINES ? "LF" : "its delimiter"));
                }
                framed.put(payload.duplicate()).put(kind == Kind.LINES ? CRLF : delimiter);
            }
            case LENGTH_PREFIXED -> {
                for (int shift = 8 * (prefixBytes - 1); shift >= 0; shift -= 8) {
                    framed.put((byte) (n >>> shift));
                }
                framed.put(payload.duplicate());
            }
        }
        return framed.flip();
    }

    /** {@code payload} framed (see {@link #encode(ByteBuffer)}). */
    public ByteBuffer encode(byte[] payload) {
        return encode(ByteBuffer.wrap(payload));
    }

    /** {@code text} in UTF-8, framed (see {@link #encode(ByteBuffer)}). */
    public ByteBuffer encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- datagrams -------------------------------------------------------------------------------------

    /**
     * The payload of {@code datagram}, which holds one whole frame, as a view of it: a line without its
     * LF or CR LF (a datagram need not end with one), a frame without its delimiter, or the bytes after
     * the length, which must be exactly as many as it says.
     *
     * @throws FrameException when the frame is longer than the limit, or the datagram holds more or fewer
     *                        bytes than its length says
     */
    public ByteBuffer single(ByteBuffer datagram) throws FrameException {
        ByteBuffer d = datagram.duplicate();
        if (kind == Kind.LENGTH_PREFIXED) {
            if (d.remaining() < prefixBytes) {
                throw new FrameException(FrameException.Reason.MALFORMED, "a datagram of " + d.remaining()
                        + " bytes is shorter than its " + prefixBytes + "-byte length");
            }
            long length = FrameDecoder.length(d, d.position(), prefixBytes);
            checkLength(length);
            if (d.remaining() - prefixBytes != length) {
                throw new FrameException(FrameException.Reason.MALFORMED, "a datagram announces " + length
                        + " bytes but holds " + (d.remaining() - prefixBytes));
            }
            return d.position(d.position() + prefixBytes).slice();
        }
        int end = d.limit();
        if (endsWith(d, delimiter)) {
            end -= delimiter.length;
            if (kind == Kind.LINES && end > d.position() && d.get(end - 1) == '\r') {
                end--;
            }
        }
        checkLength(end - d.position());
        return d.limit(end).slice();
    }

    // ---- for the decoder -------------------------------------------------------------------------------

    boolean isLines() {
        return kind == Kind.LINES;
    }

    boolean isLengthPrefixed() {
        return kind == Kind.LENGTH_PREFIXED;
    }

    byte[] delimiter() {
        return delimiter;
    }

    int prefixBytes() {
        return prefixBytes;
    }

    /** Throws for a frame of {@code length} bytes longer than the limit. */
    void checkLength(long length) throws FrameException {
        if (length > maxLength) {
            throw new FrameException(FrameException.Reason.TOO_LONG, kind == Kind.LENGTH_PREFIXED
                    ? "a frame of " + length + " bytes announced; the limit is " + maxLength + " bytes"
                    : what() + " longer than " + maxLength + " bytes");
        }
    }

    /** "line", "frame": for messages. */
    String what() {
        return kind == Kind.LINES ? "line" : "frame";
    }

    private int overhead() {
        return switch (kind) {
            case LINES -> CRLF.length;
            case DELIMITED -> delimiter.length;
            case LENGTH_PREFIXED -> prefixBytes;
        };
    }

    private static boolean endsWith(ByteBuffer b, byte[] suffix) {
        int start = b.limit() - suffix.length;
        if (start < b.position()) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (b.get(start + i) != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        String limit = " of at most " + maxLength + " bytes";
        String base = switch (kind) {
            case LINES -> "lines" + limit;
            case DELIMITED -> "frames" + limit + " ended by " + Arrays.toString(delimiter);
            case LENGTH_PREFIXED -> "frames" + limit + " after a " + prefixBytes + "-byte length";
        };
        return pause == null ? base : base + ", or ended by a pause of " + pause.toMillis() + " ms";
    }
}
