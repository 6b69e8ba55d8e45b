package dev.netsvc.http;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Formats access log lines into one reusable byte buffer, ASCII throughout:
 * <pre>
 *   common:   127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] "GET / HTTP/1.1" 200 1234 0.002
 *   combined: 127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] "GET / HTTP/1.1" 200 1234 "http://a/" "curl/8.5.0" 0.002
 * </pre>
 * The last field is the response time in seconds, millisecond precision (nginx's
 * {@code $request_time}); parsers of the two standard formats ignore a trailing field. Lines for the
 * logger, which stamps its own time, leave out the bracketed time. Client text (request line, referer,
 * user agent) is escaped ({@link #escape}) so a client cannot forge lines. Used by one thread.
 *
 * <p>Every string here is ISO-8859-1 text, one char per byte: the request's fields as parsed
 * ({@link HttpBytes#text}), the client's address and the time. So each is copied as its bytes in one
 * block, and a field that then turns out to hold a byte needing escape (rare: a forged line, a
 * non-ASCII agent) is written again, escaped.
 */
final class AccessLogFormat {

    enum Kind { COMMON, COMBINED }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Kind kind;
    private final ZoneId zone;
    private byte[] buf = new byte[64 * 1024];
    private int length;
    private long second = Long.MIN_VALUE;
    private String time;

    AccessLogFormat(Kind kind, ZoneId zone) {
        this.kind = kind;
        this.zone = zone;
    }

    boolean combined() {
        return kind == Kind.COMBINED;
    }

    /**
     * Formats {@code newestFirst} from index {@code to - 1} down to {@code from}, oldest first, into
     * {@link #bytes()}, replacing what was there.
     */
    void formatReversed(List<AccessLog.Entry> newestFirst, int from, int to, boolean withTime) {
        length = 0;
        for (int i = to - 1; i >= from; i--) {
            line(newestFirst.get(i), withTime);
        }
    }

    byte[] bytes() {
        return buf;
    }

    int length() {
        return length;
    }

    private void line(AccessLog.Entry e, boolean withTime) {
        latin1(e.remote);
        latin1(" - ");
        user(e.user);
        put(' ');
        if (withTime) {
            put('[');
            latin1(timeOf(e.epochMillis));
            latin1("] ");
        }
        quoted(e.requestLine);
        put(' ');
        number(e.status);
        put(' ');
        if (e.bytesSent == 0) {
            put('-');
        } else {
            number(e.bytesSent);
        }
        if (kind == Kind.COMBINED) {
            put(' ');
            quoted(e.referer);
            put(' ');
            quoted(e.userAgent);
        }
        put(' ');
        long millis = Math.max(0, e.epochMillis - e.startMillis); // never negative when the clock steps back
        number(millis / 1000);
        put('.');
        long ms = millis % 1000;
        put((char) ('0' + ms / 100));
        put((char) ('0' + ms / 10 % 10));
        put((char) ('0' + ms % 10));
        put('\n');
    }

    private String timeOf(long epochMillis) {
        long s = Math.floorDiv(epochMillis, 1000);
        if (s != second) {
            second = s;
            time = TIME.format(Instant.ofEpochSecond(s).atZone(zone));
        }
        return time;
    }

    /** {@code "text"} escaped, or {@code "-"} when absent. */
    /**
     * The {@code authuser} field: the name of the client's TLS certificate, or {@code -}. A field of its
     * own in a space-separated line: blanks, quotes and what is not printable ASCII become {@code _}.
     */
    private void user(String name) {
        if (name == null || name.isEmpty()) {
            put('-');
            return;
        }
        for (int i = 0; i < name.length() && i < 256; i++) {
            char c = name.charAt(i);
            put(c > ' ' && c < 0x7F && c != '"' ? c : '_');
        }
    }

    private void quoted(String text) {
        put('"');
        if (text == null) {
            put('-');
        } else {
            int start = length;
            latin1(text);
            if (needsEscape(start, length)) {
                length = start;
                escaped(text);
            }
        }
        put('"');
    }

    private boolean needsEscape(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!plain(buf[i] & 0xff)) {
                return true;
            }
        }
        return false;
    }

    private void escaped(String text) {
        room(text.length() * 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (plain(c)) {
                buf[length++] = (byte) c;
            } else {
                buf[length++] = '\\';
                buf[length++] = 'x';
                buf[length++] = HEX[(c >> 4) & 0xf];
                buf[length++] = HEX[c & 0xf];
            }
        }
    }

    /** Printable ASCII other than the quote and the backslash: written as it is; all else as {@code \xHH}. */
    private static boolean plain(int c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    }

    /** An ISO-8859-1 string's bytes, copied in one block. */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) takes each char's low byte: exact for ISO-8859-1
    private void latin1(String s) {
        room(s.length());
        s.getBytes(0, s.length(), buf, length);
        length += s.length();
    }

    /** A non-negative number's decimal digits, written in place (no String per field). */
    private void number(long n) {
        int digits = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            digits++;
        }
        room(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            buf[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        length += digits;
    }

    private void put(char c) {
        room(1);
        buf[length++] = (byte) c;
    }

    private void room(int n) {
        if (buf.length - length < n) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
        }
    }

    /** {@code line} with quotes, backslashes, control and non-ASCII characters as {@code \xHH}. */
    static String escape(String line) {
        StringBuilder out = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean plain = plain(c);
            if (!plain && out == null) {
                out = new StringBuilder(line.length() + 16).append(line, 0, i);
            }
            if (out != null) {
                if (plain) {
                    out.append(c);
                } else {
                    out.append(String.format("\\x%02x", (int) c & 0xff));
                }
            }
        }
        return out == null ? line : out.toString();
    }
}
