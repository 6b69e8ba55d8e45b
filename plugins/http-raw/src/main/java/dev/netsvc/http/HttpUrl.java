package dev.netsvc.http;

import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.HostPort;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An {@code http://} or {@code https://} URL as a user types it for {@code netsvc call http}: the scheme
 * may be left out (as curl allows: http), the port defaults to 80 (https: 443), the path to {@code /}; a
 * fragment is dropped (it is never sent); spaces and non-ASCII characters in the path and query are
 * percent-encoded as UTF-8.
 *
 * @param host   the host name or address (an IPv6 literal without brackets)
 * @param port   the port
 * @param target the request target, {@code /path?query}, ready to send
 * @param tls    whether it is an https URL
 */
record HttpUrl(String host, int port, String target, boolean tls) {

    /** What RFC 3986 allows unencoded in a path or query (besides letters and digits). */
    private static final String SAFE = "-._~!$&'()*+,;=:@/?%";

    /** An http URL. */
    HttpUrl(String host, int port, String target) {
        this(host, port, target, false);
    }

    /**
     * @throws UsageException for other schemes, user info, or a malformed host or port
     */
    static HttpUrl parse(String text) {
        String rest = text.strip();
        int scheme = rest.indexOf("://");
        boolean tls = false;
        if (scheme >= 0) {
            String name = rest.substring(0, scheme).toLowerCase(Locale.ROOT);
            tls = name.equals("https");
            if (!tls && !name.equals("http")) {
                throw new UsageException("'" + text + "': only http:// and https:// URLs are supported");
            }
            rest = rest.substring(scheme + 3);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int pathStart = firstOf(rest, "/?");
        String authority = rest.substring(0, pathStart);
        String target = pathStart == rest.length() ? "/" : rest.substring(pathStart);
        if (target.startsWith("?")) {
            target = "/" + target;
        }
        if (authority.contains("@")) {
            throw new UsageException("'" + text + "': user names and passwords in URLs are not supported");
        }
        if (authority.isEmpty()) {
            throw new UsageException("'" + text + "': no host; expected http://HOST[:PORT]/PATH");
        }
        HostPort hostPort;
        try {
            hostPort = HostPort.parse(authority, tls ? 443 : 80);
        } catch (IllegalArgumentException e) {
            throw new UsageException("'" + text + "': " + e.getMessage());
        }
        return new HttpUrl(hostPort.host(), hostPort.port(), encode(target), tls);
    }

    /** The Host header value: the host, with the port unless it is the scheme's, IPv6 in brackets. */
    String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }

    /** Where to connect. */
    HostPort hostPort() {
        return new HostPort(host, port);
    }

    /** {@code host:port} for messages. */
    String authority() {
        return hostPort().toString();
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static String encode(String target) {
        StringBuilder out = new StringBuilder(target.length());
        for (byte b : target.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || SAFE.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
