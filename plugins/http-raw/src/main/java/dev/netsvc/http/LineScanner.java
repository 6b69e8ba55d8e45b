package dev.netsvc.http;

import java.nio.ByteBuffer;

/**
 * Finds complete lines in a buffer that fills up a little at a time, enforcing a length limit before
 * the line is complete (a client must not make us wait for, or buffer, more than the limit). It
 * remembers how far an unfinished line was checked, so a line dribbled in byte by byte costs linear
 * time, not quadratic.
 */
final class LineScanner {

    private int scanned;

    /**
     * The index of the LF that ends the line at {@code in.position()}, or -1 when more input is needed.
     *
     * @param max     most content bytes (CRLF not counted) the line may have
     * @param tooLong the status when it has more
     * @param what    names the line in the message, e.g. "request line"
     */
    int find(ByteBuffer in, int max, Status tooLong, String what) throws HttpException {
        int lf = HttpBytes.findLineEnd(in, scanned);
        int length = lf < 0 ? HttpBytes.partialLineLength(in) : lf - 1 - in.position();
        if (length > max) {
            throw new HttpException(tooLong, what + " longer than " + max + " bytes");
        }
        scanned = lf < 0 ? length : 0;
        return lf;
    }

    /** Forgets the unfinished line (the buffer moved on to something else). */
    void reset() {
        scanned = 0;
    }
}
