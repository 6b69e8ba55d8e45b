package dev.netsvc.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The byte-level grammar shared by the request parser, the chunked decoder and the client: lines that
 * end in CRLF, tokens, field lines ({@code name: value}) and numbers, all checked on bytes (RFC 9110 §5,
 * RFC 9112 §2 and §5). Buffers are heap buffers; positions are absolute buffer indexes.
 */
final class HttpBytes {

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] FIELD_VALUE = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        // VCHAR, obs-text, SP and HTAB; every other control byte (NUL, CR, LF, DEL, ...) is refused
        for (int c = 0x21; c <= 0xff; c++) {
            FIELD_VALUE[c] = c != 0x7f;
        }
        FIELD_VALUE[SP] = true;
        FIELD_VALUE[HTAB] = true;
    }

    private HttpBytes() {
    }

    static boolean isToken(byte b) {
        return TOKEN[b & 0xff];
    }

    static boolean isFieldValue(byte b) {
        return FIELD_VALUE[b & 0xff];
    }

    /** A visible US-ASCII character: what a request target may consist of. */
    static boolean isVisible(byte b) {
        return b > 0x20 && b < 0x7f;
    }

    static boolean isWhitespace(byte b) {
        return b == SP || b == HTAB;
    }

    /**
     * Finds the LF that ends the line starting at {@code in.position()}, skipping the first
     * {@code scanned} bytes already checked by an earlier call.
     *
     * @return the LF's index, or -1 when the line is not complete yet
     * @throws HttpException 400 on a CR not followed by LF, or an LF not preceded by CR
     */
    static int findLineEnd(ByteBuffer in, int scanned) throws HttpException {
        byte[] a = in.array();
        int start = in.position();
        int end = in.limit();
        for (int i = start + scanned; i < end; i++) {
            byte b = a[i];
            if (b == LF) {
                if (i == start || a[i - 1] != CR) {
                    throw HttpException.badRequest("line ends in a bare LF; HTTP/1.1 lines end in CRLF");
                }
                return i;
            }
            if (b == CR && i + 1 < end && a[i + 1] != LF) {
                throw HttpException.badRequest("bare CR in the message");
            }
        }
        return -1;
    }

    /**
     * How many bytes of the unfinished line at {@code in.position()} are known to be content: all of
     * them but a last CR, which may yet be followed by its LF. This is also how far {@link #findLineEnd}
     * has checked.
     */
    static int partialLineLength(ByteBuffer in) {
        int n = in.remaining();
        return n > 0 && in.array()[in.limit() - 1] == CR ? n - 1 : n;
    }

    /**
     * Checks the field line {@code a[from, to)} (no CRLF) and returns the index of its colon. The name
     * must be a non-empty token directly followed by ':'; the value may hold no control bytes.
     *
     * @throws HttpException 400 for obsolete line folding, whitespace before the colon, a bad name or value
     */
    static int fieldColon(byte[] a, int from, int to) throws HttpException {
        if (from < to && isWhitespace(a[from])) {
            throw HttpException.badRequest("obsolete line folding (a field line starting with whitespace)");
        }
        int i = from;
        while (i < to && isToken(a[i])) {
            i++;
        }
        if (i == to) {
            throw HttpException.badRequest("field line without ':'");
        }
        if (a[i] != ':') {
            throw HttpException.badRequest(isWhitespace(a[i]) ? "whitespace between field name and colon"
                    : "invalid character in field name");
        }
        if (i == from) {
            throw HttpException.badRequest("empty field name");
        }
        for (int j = i + 1; j < to; j++) {
            if (!isFieldValue(a[j])) {
                throw HttpException.badRequest("control character in field value");
            }
        }
        return i;
    }

    /** The first index in {@code [from, to)} that is not SP or HTAB. */
    static int skipWhitespace(byte[] a, int from, int to) {
        while (from < to && isWhitespace(a[from])) {
            from++;
        }
        return from;
    }

    /** {@code to}, moved back over trailing SP and HTAB (but not before {@code from}). */
    static int trimWhitespace(byte[] a, int from, int to) {
        while (to > from && isWhitespace(a[to - 1])) {
            to--;
        }
        return to;
    }

    /** Receives one element of a comma-separated field value, without its surrounding whitespace. */
    @FunctionalInterface
    interface ListElement {
        void accept(byte[] a, int from, int to) throws HttpException;
    }

    /**
     * Calls {@code each} for every element of the list {@code a[from, to)} (RFC 9110 §5.6.1), trimmed,
     * empty ones included: the caller decides whether an empty element means nothing or is an error.
     */
    static void forEachElement(byte[] a, int from, int to, ListElement each) throws HttpException {
        int element = from;
        for (int i = from; i <= to; i++) {
            if (i == to || a[i] == ',') {
                int eFrom = skipWhitespace(a, element, i);
                each.accept(a, eFrom, trimWhitespace(a, eFrom, i));
                element = i + 1;
            }
        }
    }

    /** Whether {@code a[from, to)} equals {@code lower} (lower-case ASCII), ignoring ASCII case. */
    static boolean equalsIgnoreCase(byte[] a, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = a[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code 1*DIGIT}; at most 18 digits, so it never overflows.
     *
     * @return the value, or -1 if {@code a[from, to)} is not a valid number
     */
    static long parseDecimal(byte[] a, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** The value of one hex digit, or -1. */
    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** Bytes as ISO-8859-1 text: one char per byte, nothing lost. */
    static String text(byte[] a, int from, int to) {
        return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
