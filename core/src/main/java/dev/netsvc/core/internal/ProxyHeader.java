package dev.netsvc.core.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol's header (HAProxy's spec, versions 1 and 2): the line or block a load balancer sends
 * first on each connection, naming the client it came from. A pure parser: give it the bytes received so
 * far and it answers "need more" (null), the header, or {@link Malformed}. It never consumes input; the
 * caller skips {@link Header#length()} bytes, and what follows is the client's own.
 *
 * <p>Accepted: v1 {@code PROXY TCP4|TCP6 src dst sport dport\r\n} and {@code PROXY UNKNOWN ...\r\n} (at
 * most 107 bytes); v2's signature, version 2, command LOCAL or PROXY, family UNSPEC, INET, INET6 or UNIX,
 * at most {@link #MAX_V2_LENGTH} bytes of addresses and TLVs (the TLVs are skipped). UNKNOWN, LOCAL (a
 * balancer's own health check), UNSPEC and UNIX mean "no client address": the connection's own is used.
 */
public final class ProxyHeader {

    /** Which versions a service accepts ({@code proxy-protocol}). */
    public enum Accept { V1, V2, ANY }

    /**
     * A complete header.
     *
     * @param length      its size in bytes: the client's data starts after it
     * @param source      the client's address and port, or null for LOCAL, UNKNOWN, UNSPEC and UNIX
     * @param destination the address and port the client connected to, or null like {@code source}
     * @param version     1 or 2
     */
    public record Header(int length, InetSocketAddress source, InetSocketAddress destination, int version) {
        /** Whether the header names no client (a balancer's health check): the connection's own address stands. */
        public boolean isLocal() {
            return source == null;
        }
    }

    /** Not a PROXY header, or not one this service accepts; the message says what is wrong. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false); // refused headers can come in floods: no stack trace
        }
    }

    /** The longest v1 header, CRLF included. */
    public static final int MAX_V1_LENGTH = 107;
    /** The most bytes of addresses and TLVs a v2 header may carry here (the spec allows 65,535). */
    public static final int MAX_V2_LENGTH = 4096;

    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeader() {
    }

    /**
     * The header at the start of {@code in} (read mode; not consumed), or null when more bytes are needed.
     *
     * @throws Malformed when the bytes cannot begin an accepted header, or the header is invalid
     */
    public static Header parse(ByteBuffer in, Accept accept) throws Malformed {
        int p = in.position();
        int n = in.remaining();
        if (n == 0) {
            return null;
        }
        boolean v1 = startsWith(in, p, n, V1_PREFIX);
        boolean v2 = startsWith(in, p, n, V2_SIGNATURE);
        if (!v1 && !v2) {
            throw new Malformed("not a PROXY protocol header");
        }
        if (v1 && accept == Accept.V2) {
            throw new Malformed("a PROXY v1 header where v2 is expected");
        }
        if (v2 && accept == Accept.V1) {
            throw new Malformed("a PROXY v2 header where v1 is expected");
        }
        if (n < (v1 ? V1_PREFIX.length : V2_SIGNATURE.length)) {
            return null; // a prefix of the signature so far
        }
        return v1 ? v1(in, p, n) : v2(in, p, n);
    }

    /** Whether the first bytes agree with {@code prefix} as far as they go. */
    private static boolean startsWith(ByteBuffer in, int p, int n, byte[] prefix) {
        for (int i = 0; i < Math.min(n, prefix.length); i++) {
            if (in.get(p + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- version 1 -----------------------------------------------------------------------------------

    private static Header v1(ByteBuffer in, int p, int n) throws Malformed {
        int end = -1;
        for (int i = 0; i < Math.min(n, MAX_V1_LENGTH); i++) {
            byte b = in.get(p + i);
            if (b == '\n') {
                if (i == 0 || in.get(p + i - 1) != '\r') {
                    throw new Malformed("PROXY v1 header ends in LF without CR");
                }
                end = i - 1;
                break;
            }
            if (b < 0x20 && b != '\r' || b >= 0x7F) {
                throw new Malformed("PROXY v1 header holds a byte that is not printable ASCII");
            }
        }
        if (end < 0) {
            if (n >= MAX_V1_LENGTH) {
                throw new Malformed("PROXY v1 header longer than " + MAX_V1_LENGTH + " bytes");
            }
            return null;
        }
        byte[] line = new byte[end];
        in.get(p, line);
        String[] fields = new String(line, StandardCharsets.US_ASCII).split(" ", -1);
        int length = end + 2;
        if (fields.length >= 2 && fields[1].equals("UNKNOWN")) {
            return new Header(length, null, null, 1); // the rest of the line is to be ignored
        }
        if (fields.length != 6) {
            throw new Malformed("PROXY v1 header has " + fields.length + " fields; expected 6 (PROXY TCP4|TCP6 src dst sport dport)");
        }
        boolean six = switch (fields[1]) {
            case "TCP4" -> false;
            case "TCP6" -> true;
            default -> throw new Malformed("PROXY v1 header names protocol '" + fields[1] + "'; expected TCP4, TCP6 or UNKNOWN");
        };
        InetAddress source = address(fields[2], six);
        InetAddress destination = address(fields[3], six);
        return new Header(length, new InetSocketAddress(source, port(fields[4])),
                new InetSocketAddress(destination, port(fields[5])), 1);
    }

    private static InetAddress address(String text, boolean six) throws Malformed {
        try {
            if (!six) {
                return ipv4(text);
            }
            if (text.indexOf(':') < 0 || text.startsWith("[")) {
                throw new Malformed("PROXY v1 TCP6 address '" + text + "' is not an IPv6 address");
            }
            return dev.netsvc.core.ConfigKey.parseAddress(text); // a literal, never a DNS lookup
        } catch (IllegalArgumentException e) {
            throw new Malformed("PROXY v1 address '" + text + "' is not an IP address");
        }
    }

    /** Dotted quad, four decimal numbers 0..255: nothing the JDK's lenient parser would also take. */
    private static InetAddress ipv4(String text) throws Malformed {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new Malformed("PROXY v1 TCP4 address '" + text + "' is not an IPv4 address");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = decimal(parts[i], 3, "PROXY v1 TCP4 address '" + text + "'");
            if (value > 255) {
                throw new Malformed("PROXY v1 TCP4 address '" + text + "' is not an IPv4 address");
            }
            bytes[i] = (byte) value;
        }
        return byAddress(bytes);
    }

    private static int port(String text) throws Malformed {
        int port = decimal(text, 5, "PROXY v1 port '" + text + "'");
        if (port > 65535) {
            throw new Malformed("PROXY v1 port '" + text + "' is out of range");
        }
        return port;
    }

    private static int decimal(String text, int maxDigits, String what) throws Malformed {
        if (text.isEmpty() || text.length() > maxDigits || (text.length() > 1 && text.charAt(0) == '0')) {
            throw new Malformed(what + " is not a decimal number");
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new Malformed(what + " is not a decimal number");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    // ---- version 2 -----------------------------------------------------------------------------------

    private static Header v2(ByteBuffer in, int p, int n) throws Malformed {
        if (n < 16) {
            return null;
        }
        int versionCommand = in.get(p + 12) & 0xFF;
        if (versionCommand >> 4 != 2) {
            throw new Malformed("PROXY v2 header of version " + (versionCommand >> 4) + "; expected 2");
        }
        int command = versionCommand & 0x0F;
        if (command > 1) {
            throw new Malformed("PROXY v2 header with command " + command + "; expected LOCAL (0) or PROXY (1)");
        }
        int familyTransport = in.get(p + 13) & 0xFF;
        int family = familyTransport >> 4;
        int transport = familyTransport & 0x0F;
        int length = ((in.get(p + 14) & 0xFF) << 8) | (in.get(p + 15) & 0xFF);
        if (length > MAX_V2_LENGTH) {
            throw new Malformed("PROXY v2 header of " + length + " bytes; at most " + MAX_V2_LENGTH + " are accepted");
        }
        if (family > 3 || transport > 2) {
            throw new Malformed("PROXY v2 header with family " + family + " and transport " + transport);
        }
        int needed = switch (family) {
            case 1 -> 12;
            case 2 -> 36;
            case 3 -> 216;
            default -> 0;
        };
        if (length < needed) {
            throw new Malformed("PROXY v2 header too short for its addresses: " + length + " < " + needed + " bytes");
        }
        if (n < 16 + length) {
            return null;
        }
        if (command == 0 || family == 0 || family == 3) {
            return new Header(16 + length, null, null, 2); // LOCAL, UNSPEC, UNIX: the connection's own address
        }
        int size = family == 1 ? 4 : 16;
        byte[] src = new byte[size];
        byte[] dst = new byte[size];
        in.get(p + 16, src);
        in.get(p + 16 + size, dst);
        int at = p + 16 + 2 * size;
        int sourcePort = ((in.get(at) & 0xFF) << 8) | (in.get(at + 1) & 0xFF);
        int destinationPort = ((in.get(at + 2) & 0xFF) << 8) | (in.get(at + 3) & 0xFF);
        return new Header(16 + length, new InetSocketAddress(byAddress(src), sourcePort),
                new InetSocketAddress(byAddress(dst), destinationPort), 2);
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            InetAddress address = InetAddress.getByAddress(bytes);
            assert address instanceof Inet4Address || address instanceof Inet6Address;
            return address;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are an address", e);
        }
    }
}
