package dev.netsvc.core.access;

import dev.netsvc.core.internal.Addresses;

import dev.netsvc.core.ConfigKey;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address or a CIDR block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 127.0.0.2}), IPv4 or
 * IPv6. IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.0/104}) are taken as the IPv4 block they map,
 * and addresses tested against a block are normalised the same way, so one rule covers a client whether
 * it reached a dual-stack socket or an IPv4 one. Host bits set under the prefix are ignored
 * ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}), as nginx and xinetd do.
 */
public record AddressBlock(byte[] network, int prefix) {

    public AddressBlock {
        network = network.clone();
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes");
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix " + prefix + " is out of range");
        }
        mask(network, prefix);
    }

    /** Parses one entry of an access list; the message of the exception names the entry and the fault. */
    public static AddressBlock parse(String text) {
        String entry = text.strip();
        int slash = entry.indexOf('/');
        String addressText = slash < 0 ? entry : entry.substring(0, slash);
        InetAddress address;
        try {
            address = ConfigKey.parseAddress(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + entry + "' is not an address or CIDR block: '" + addressText
                    + "' is not an IP address (host names are not allowed)");
        }
        boolean mapped = addressText.indexOf(':') >= 0 && address instanceof Inet4Address; // ::ffff:a.b.c.d
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new AddressBlock(address.getAddress(), bits);
        }
        String prefixText = entry.substring(slash + 1);
        if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + entry + "' is not a CIDR block: prefix '" + prefixText
                    + "' is not a number");
        }
        int prefix = Integer.parseInt(prefixText);
        int max = mapped ? 128 : bits;
        if (prefix > max) {
            throw new IllegalArgumentException("'" + entry + "' is not a CIDR block: prefix " + prefix + " > " + max);
        }
        if (mapped) {
            if (prefix < 96) {
                throw new IllegalArgumentException("'" + entry + "' is not a CIDR block: an IPv4-mapped block needs a "
                        + "prefix of at least 96");
            }
            prefix -= 96;
        }
        return new AddressBlock(address.getAddress(), prefix);
    }

    /** Whether {@code address} (IPv4-mapped IPv6 taken as IPv4) lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] a = Addresses.normalize(address).getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & m) == (network[full] & 0xFF);
    }

    private static void mask(byte[] address, int prefix) {
        for (int i = 0; i < address.length; i++) {
            int keep = Math.clamp(prefix - i * 8L, 0, 8);
            address[i] &= (byte) ((0xFF << (8 - keep)) & 0xFF);
        }
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressBlock b && b.prefix == prefix && Arrays.equals(b.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }
}
