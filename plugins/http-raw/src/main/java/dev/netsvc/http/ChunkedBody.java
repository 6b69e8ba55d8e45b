package dev.netsvc.http;

import java.nio.ByteBuffer;

/**
 * Decodes the chunked transfer coding (RFC 9112 §7.1), a few bytes at a time, without copying data:
 * {@link #next} says how many bytes at the buffer's position are body data, and the caller takes them.
 * <pre>
 *   SIZE ──size &gt; 0──► DATA ──► DATA_END (CRLF) ──► SIZE
 *     └──size 0──► TRAILERS ──empty line──► DONE
 * </pre>
 */
final class ChunkedBody {

    private enum State { SIZE, DATA, DATA_END, TRAILERS, DONE }

    /** Hex digits in a chunk size; 15 keep the value far from overflow (2^60). */
    private static final int MAX_SIZE_DIGITS = 15;

    private final long maxBody;
    private final int maxLine;
    private final int maxTrailers;
    private final LineScanner lines = new LineScanner();
    private State state = State.SIZE;
    private long chunkLeft;
    private long total;
    private int trailerBytes;

    /**
     * @param maxBody     most body bytes in all chunks together (413 beyond)
     * @param maxLine     longest chunk-size line, extensions included (400 beyond)
     * @param maxTrailers most bytes of trailer fields (431 beyond)
     */
    ChunkedBody(long maxBody, int maxLine, int maxTrailers) {
        this.maxBody = maxBody;
        this.maxLine = maxLine;
        this.maxTrailers = maxTrailers;
    }

    /**
     * Moves over framing at {@code in.position()}.
     *
     * @return n &gt; 0: the next n bytes are body data, which the caller consumes by advancing the
     *         position by exactly n; 0: more input is needed; -1: the body is complete
     */
    long next(ByteBuffer in) throws HttpException {
        while (true) {
            switch (state) {
                case SIZE -> {
                    int lf = lines.find(in, maxLine, Status.BAD_REQUEST, "chunk size line");
                    if (lf < 0) {
                        return 0;
                    }
                    long size = parseSize(in.array(), in.position(), lf - 1);
                    in.position(lf + 1);
                    if (size > maxBody - total) {
                        throw new HttpException(Status.CONTENT_TOO_LARGE, "body longer than " + maxBody + " bytes");
                    }
                    total += size;
                    chunkLeft = size;
                    state = size == 0 ? State.TRAILERS : State.DATA;
                }
                case DATA -> {
                    if (!in.hasRemaining()) {
                        return 0;
                    }
                    long n = Math.min(chunkLeft, in.remaining());
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        state = State.DATA_END;
                    }
                    return n;
                }
                case DATA_END -> {
                    if (in.remaining() < 2) {
                        return 0;
                    }
                    int p = in.position();
                    if (in.get(p) != HttpBytes.CR || in.get(p + 1) != HttpBytes.LF) {
                        throw HttpException.badRequest("chunk data not followed by CRLF");
                    }
                    in.position(p + 2);
                    state = State.SIZE;
                }
                case TRAILERS -> {
                    int lf = lines.find(in, Math.max(0, maxTrailers - trailerBytes - 2),
                            Status.HEADERS_TOO_LARGE, "trailer section");
                    if (lf < 0) {
                        return 0;
                    }
                    int from = in.position();
                    int to = lf - 1;
                    in.position(lf + 1);
                    if (from == to) {
                        state = State.DONE;
                        return -1;
                    }
                    HttpBytes.fieldColon(in.array(), from, to); // checked, then ignored
                    trailerBytes += to - from + 2;
                }
                case DONE -> {
                    return -1;
                }
            }
        }
    }

    /** {@code chunk-size [ BWS ";" chunk-ext ]}: the size in hex; extensions are checked and ignored. */
    private static long parseSize(byte[] a, int from, int to) throws HttpException {
        long size = 0;
        int i = from;
        while (i < to && HttpBytes.hexValue(a[i]) >= 0) {
            if (i - from == MAX_SIZE_DIGITS) {
                throw HttpException.badRequest("chunk size too large");
            }
            size = size << 4 | HttpBytes.hexValue(a[i]);
            i++;
        }
        if (i == from) {
            throw HttpException.badRequest("chunk size is not a hex number");
        }
        i = HttpBytes.skipWhitespace(a, i, to);
        if (i < to && a[i] != ';') {
            throw HttpException.badRequest("invalid chunk size line");
        }
        for (; i < to; i++) {
            if (!HttpBytes.isFieldValue(a[i])) {
                throw HttpException.badRequest("control character in chunk extension");
            }
        }
        return size;
    }
}
