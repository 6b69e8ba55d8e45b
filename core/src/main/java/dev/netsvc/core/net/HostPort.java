package dev.netsvc.core.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A host and a port as a user types them: {@code host}, {@code host:port}, {@code 10.0.0.1:7},
 * {@code [::1]:7007}, or a bare IPv6 literal such as {@code ::1} (which cannot carry a port without
 * brackets). Parsing never resolves the name; {@link #resolve()} does.
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        checkPort(port);
    }

    /**
     * Parses {@code text}, using {@code defaultPort} when it names no port.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and what is valid
     */
    public static HostPort parse(String text, int defaultPort) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty address; expected HOST, HOST:PORT or [IPv6]:PORT");
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' has '[' without ']'; expected [IPv6]:PORT");
            }
            String host = s.substring(1, close);
            if (host.isEmpty() || host.indexOf(':') < 0) {
                throw new IllegalArgumentException("'" + text + "': brackets are for IPv6 literals, like [::1]:7007");
            }
            String rest = s.substring(close + 1);
            checkHost(host, text);
            if (rest.isEmpty()) {
                return new HostPort(host, defaultPort);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + text + "': expected ':PORT' after ']'");
            }
            return new HostPort(host, parsePort(rest.substring(1), text));
        }
        int first = s.indexOf(':');
        if (first < 0 || s.indexOf(':', first + 1) >= 0) {
            // no colon: a host alone; more than one: a bare IPv6 literal, which has no room for a port
            return new HostPort(checkHost(s, text), defaultPort);
        }
        if (first == 0) {
            throw new IllegalArgumentException("'" + text + "' has no host before ':'");
        }
        return new HostPort(checkHost(s.substring(0, first), text), parsePort(s.substring(first + 1), text));
    }

    /**
     * For {@code ::1:37009}, a bare IPv6 literal with a port after it, which is no address (a group has at
     * most four hex digits): how to write it. Empty when the text does not end in a port so written.
     */
    public static java.util.Optional<String> bracketHint(String text) {
        int last = text.lastIndexOf(':');
        if (last <= 0 || text.indexOf(':') == last) {
            return java.util.Optional.empty();
        }
        String address = text.substring(0, last);
        String port = text.substring(last + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("to give an IPv6 address a port, put the address in brackets: [" + address + "]:" + port);
    }

    /**
     * A host holds no whitespace, control character or bracket: "localhost :7" would name the host
     * "localhost " (which no resolver finds), and a bracket inside it would not survive being printed
     * ("::]" prints as "[::]]:7", which does not parse back).
     */
    private static String checkHost(String host, String text) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '[' || c == ']') {
                throw new IllegalArgumentException("'" + text + "': a host has no spaces, control characters or"
                        + " brackets inside; expected HOST, HOST:PORT or [IPv6]:PORT");
            }
        }
        return host;
    }

    /** Parses a port number 0..65535 with a message that names the input. */
    public static int parsePort(String digits, String context) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(digits) > 65535) {
            throw new IllegalArgumentException("'" + context + "': port must be a number from 0 to 65535");
        }
        return Integer.parseInt(digits);
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
        }
    }

    /** Resolves the host (the first address the resolver gives) and returns a connectable address. */
    public InetSocketAddress resolve() throws java.net.UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** An unresolved socket address, for sockets that resolve on connect. */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code 127.0.0.1:7} or {@code [::1]:7}, without the host name Java sometimes prefixes. */
    public static String format(InetSocketAddress address) {
        return formatHost(address) + ":" + address.getPort();
    }

    /** The literal address (or the unresolved name), IPv6 in brackets. */
    public static String formatHost(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            String name = address.getHostString();
            return name.indexOf(':') >= 0 ? "[" + name + "]" : name;
        }
        return formatAddress(ip, true);
    }

    /** An address as a literal; IPv6 without its scope noise, in brackets if asked. */
    public static String formatAddress(InetAddress ip, boolean bracketV6) {
        String literal = ip.getHostAddress();
        if (ip instanceof Inet6Address) {
            int zone = literal.indexOf('%');
            String compact = compressV6(zone < 0 ? literal : literal.substring(0, zone));
            String withZone = zone < 0 ? compact : compact + literal.substring(zone);
            return bracketV6 ? "[" + withZone + "]" : withZone;
        }
        return literal;
    }

    // Java prints 0:0:0:0:0:0:0:1; people write ::1 (RFC 5952: longest run of zero groups becomes ::).
    private static String compressV6(String full) {
        String[] groups = full.split(":", -1);
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (isZero(groups[i])) {
                int j = i;
                while (j < 8 && isZero(groups[j])) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestLen >= 2 && i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(groups[i].replaceFirst("^0+(?=.)", ""));
        }
        return out.toString();
    }

    private static boolean isZero(String group) {
        return group.chars().allMatch(c -> c == '0');
    }
}
