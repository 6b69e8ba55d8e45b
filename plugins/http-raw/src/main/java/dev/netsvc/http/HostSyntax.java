package dev.netsvc.http;

/**
 * The syntax of a {@code Host} field value or URI authority: {@code uri-host [ ":" port ]}, where the
 * host is a name or IPv4 address of unreserved, sub-delims and pct-encoded characters, or an IPv6
 * literal in brackets (RFC 9110 §7.2, RFC 3986 §3.2.2). No user info, no path, no whitespace.
 */
final class HostSyntax {

    private static final boolean[] NAME_CHAR = new boolean[128];

    static {
        for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%".toCharArray()) {
            NAME_CHAR[c] = true;
        }
    }

    private HostSyntax() {
    }

    /** Whether {@code a[from, to)} is a valid host with an optional port; empty is valid (RFC 9110 §7.2). */
    static boolean isValid(byte[] a, int from, int to) {
        int hostEnd;
        if (from < to && a[from] == '[') {
            hostEnd = from + 1;
            while (hostEnd < to && a[hostEnd] != ']') {
                byte b = a[hostEnd];
                if (!(b == ':' || b == '.' || HttpBytes.hexValue(b) >= 0)) {
                    return false;
                }
                hostEnd++;
            }
            if (hostEnd == to) {
                return false;
            }
            hostEnd++; // past ']'
        } else {
            hostEnd = from;
            while (hostEnd < to && a[hostEnd] != ':') {
                byte b = a[hostEnd];
                if (b < 0 || !NAME_CHAR[b]) {
                    return false;
                }
                hostEnd++;
            }
        }
        if (hostEnd == to) {
            return true;
        }
        if (a[hostEnd] != ':' || to - hostEnd - 1 > 5) {
            return false;
        }
        for (int i = hostEnd + 1; i < to; i++) {
            if (a[i] < '0' || a[i] > '9') {
                return false;
            }
        }
        return true;
    }
}
