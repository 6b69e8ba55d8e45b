package dev.netsvc.http;

import java.util.Arrays;

/**
 * The methods of RFC 9110 and PATCH. This server implements GET and HEAD and answers the others with
 * 405 and {@code Allow: GET, HEAD}; a token not in this list is an unknown method (501).
 */
enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH;

    private static final Method[] ALL = values();

    private final byte[] name = HttpBytes.ascii(name());

    /** The method spelled {@code a[from, to)} (methods are case-sensitive), or null. */
    static Method find(byte[] a, int from, int to) {
        for (Method m : ALL) {
            if (Arrays.equals(a, from, to, m.name, 0, m.name.length)) {
                return m;
            }
        }
        return null;
    }

    boolean isImplemented() {
        return this == GET || this == HEAD;
    }
}
