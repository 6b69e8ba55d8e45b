package dev.netsvc.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The target of a GET or HEAD, split and percent-decoded exactly once (RFC 9112 §3.2, RFC 3986). What
 * could name something outside the document root is refused here, before any file is looked at: dot
 * segments, encoded '/', backslashes, NUL and other control bytes, and invalid UTF-8. A decoded
 * {@code %25} stays a literal '%': nothing is decoded twice. Repeated slashes are merged.
 *
 * @param path     the decoded path, starting with '/'
 * @param rawPath  the path as sent (safe to echo in a {@code Location} header)
 * @param rawQuery the query as sent without '?', or null
 */
record RequestTarget(String path, String rawPath, String rawQuery) {

    private static final boolean[] PATH_CHAR = new boolean[128];

    static {
        for (char c : ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                + "-._~!$&'()*+,;=:@/%").toCharArray()) {
            PATH_CHAR[c] = true;
        }
    }

    /**
     * Parses origin-form ({@code /path?query}) or absolute-form ({@code http://host/path?query}) in
     * {@code a[from, to)}, which holds only visible ASCII (the request line parser checked).
     *
     * @throws HttpException 400 for anything malformed or unsafe
     */
    static RequestTarget parse(byte[] a, int from, int to) throws HttpException {
        int p = from;
        if (a[p] != '/') {
            p = skipAuthority(a, from, to);
        }
        int pathEnd = p;
        while (pathEnd < to && a[pathEnd] != '?') {
            pathEnd++;
        }
        for (int i = pathEnd; i < to; i++) {
            if (a[i] == '#') {
                throw HttpException.badRequest("a request target may not carry a fragment ('#')");
            }
        }
        String rawQuery = pathEnd < to ? HttpBytes.text(a, pathEnd + 1, to) : null;
        if (p == pathEnd) {
            return new RequestTarget("/", "/", rawQuery); // http://host or http://host?q
        }
        String rawPath = HttpBytes.text(a, p, pathEnd);
        return new RequestTarget(decodePath(a, p, pathEnd, rawPath), rawPath, rawQuery);
    }

    /** Checks {@code http://authority} at {@code from} and returns where the path begins. */
    private static int skipAuthority(byte[] a, int from, int to) throws HttpException {
        if (!HttpBytes.equalsIgnoreCase(a, from, Math.min(to, from + 7), "http://")) {
            throw HttpException.badRequest("the request target must be a path starting with '/' or an http:// URI");
        }
        int start = from + 7;
        int end = start;
        while (end < to && a[end] != '/' && a[end] != '?') {
            end++;
        }
        if (end == start || !HostSyntax.isValid(a, start, end)) {
            throw HttpException.badRequest("invalid host in absolute URI");
        }
        return end;
    }

    /** The decoded path; {@code raw} itself (no copy) when nothing needed decoding, as is usual. */
    private static String decodePath(byte[] a, int from, int to, String raw) throws HttpException {
        byte[] out = null; // allocated only when something is percent-encoded or non-ASCII
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = a[i];
            if (b < 0 || !PATH_CHAR[b]) {
                throw HttpException.badRequest(b == '\\' ? "backslash in path" : "character not allowed in path: '" + (char) (b & 0xff) + "'");
            }
            if (b == '%') {
                if (i + 2 >= to || HttpBytes.hexValue(a[i + 1]) < 0 || HttpBytes.hexValue(a[i + 2]) < 0) {
                    throw HttpException.badRequest("'%' in path not followed by two hex digits");
                }
                if (out == null) {
                    out = new byte[to - from];
                    System.arraycopy(a, from, out, 0, i - from);
                    n = i - from;
                }
                byte decoded = (byte) (HttpBytes.hexValue(a[i + 1]) << 4 | HttpBytes.hexValue(a[i + 2]));
                checkDecoded(decoded);
                out[n++] = decoded;
                i += 2;
            } else if (out != null) {
                out[n++] = b;
            }
        }
        byte[] bytes = out != null ? out : a;
        int start = out != null ? 0 : from;
        int end = out != null ? n : to;
        checkSegments(bytes, start, end);
        String path = out != null ? utf8(bytes, start, end) : raw;
        // "/a//b" names what "/a/b" names: one spelling, so the file cache has one key per file
        return path.contains("//") ? path.replaceAll("/{2,}", "/") : path;
    }

    private static void checkDecoded(byte b) throws HttpException {
        if (b == '/') {
            throw HttpException.badRequest("encoded '/' (%2F) in path");
        }
        if (b == '\\') {
            throw HttpException.badRequest("backslash in path");
        }
        if (b == 0) {
            throw HttpException.badRequest("NUL (%00) in path");
        }
        if (b > 0 && b < 0x20 || b == 0x7f) {
            throw HttpException.badRequest("control character in path");
        }
    }

    /** Refuses {@code .} and {@code ..} segments: they are the way out of the root. */
    private static void checkSegments(byte[] a, int from, int to) throws HttpException {
        int segment = from + 1; // the path starts with '/'
        for (int i = from + 1; i <= to; i++) {
            if (i == to || a[i] == '/') {
                int len = i - segment;
                if (len == 1 && a[segment] == '.' || len == 2 && a[segment] == '.' && a[segment + 1] == '.') {
                    throw HttpException.badRequest("dot segment ('.' or '..') in path");
                }
                segment = i + 1;
            }
        }
    }

    private static String utf8(byte[] a, int from, int to) throws HttpException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(a, from, to - from));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw HttpException.badRequest("path is not valid UTF-8 after percent-decoding");
        }
    }
}
