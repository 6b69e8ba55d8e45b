package dev.netsvc.core.internal;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** PROXY headers as balancers send them, for tests: v1 lines and v2 blocks. */
public final class ProxyHeaders {

    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {
    }

    /** {@code PROXY TCP4|TCP6 src dst sport dport\r\n}. */
    public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        String family = source.getAddress() instanceof Inet4Address ? "TCP4" : "TCP6";
        return ("PROXY " + family + " " + source.getAddress().getHostAddress() + " " + destination.getAddress().getHostAddress()
                + " " + source.getPort() + " " + destination.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY block for TCP over IPv4 or IPv6, with {@code tlv} bytes after the addresses. */
    public static byte[] v2(InetSocketAddress source, InetSocketAddress destination, byte[] tlv) {
        boolean four = source.getAddress() instanceof Inet4Address;
        byte[] src = source.getAddress().getAddress();
        byte[] dst = destination.getAddress().getAddress();
        int length = 2 * src.length + 4 + tlv.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(0x21); // version 2, PROXY
        out.write(four ? 0x11 : 0x21); // INET or INET6, STREAM
        out.write(length >> 8);
        out.write(length);
        out.writeBytes(src);
        out.writeBytes(dst);
        out.write(source.getPort() >> 8);
        out.write(source.getPort());
        out.write(destination.getPort() >> 8);
        out.write(destination.getPort());
        out.writeBytes(tlv);
        return out.toByteArray();
    }

    /** A v2 LOCAL block: a balancer's own health check, no addresses. */
    public static byte[] v2Local() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(0x20); // version 2, LOCAL
        out.write(0x00); // UNSPEC
        out.write(0);
        out.write(0);
        return out.toByteArray();
    }
}
