package dev.netsvc.core.internal;

import java.net.InetAddress;

/**
 * What counts as one source for per-source limits: an IPv4 address, or the /64 an IPv6 address is in
 * (the block one host or site usually holds: per address, one host could claim 2^64 fresh entries).
 * An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is the IPv4 address it maps.
 */
public record SourceKey(boolean v6, long bits) {

    public static SourceKey of(InetAddress address) {
        byte[] b = Addresses.normalize(address).getAddress();
        long bits = 0;
        int n = Math.min(8, b.length); // IPv4: all 4 bytes; IPv6: the /64 prefix
        for (int i = 0; i < n; i++) {
            bits = (bits << 8) | (b[i] & 0xFF);
        }
        return new SourceKey(b.length == 16, bits);
    }

    @Override
    public String toString() {
        if (!v6) {
            return ((bits >> 24) & 0xFF) + "." + ((bits >> 16) & 0xFF) + "." + ((bits >> 8) & 0xFF) + "." + (bits & 0xFF);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 3; i >= 0; i--) {
            s.append(Long.toHexString((bits >>> (16 * i)) & 0xFFFF)).append(':');
        }
        return s.append(":/64").toString();
    }
}
