package dev.netsvc.core.access;

import org.junit.jupiter.api.Test;

import dev.netsvc.core.internal.SourceKey;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressBlockTest {

    @Test
    void ipv4BlocksAndSingleAddresses() throws Exception {
        AddressBlock net = AddressBlock.parse("10.0.0.0/8");
        assertTrue(net.contains(ip("10.255.1.2")));
        assertFalse(net.contains(ip("11.0.0.0")));
        AddressBlock odd = AddressBlock.parse("192.168.1.128/25");
        assertTrue(odd.contains(ip("192.168.1.200")));
        assertFalse(odd.contains(ip("192.168.1.127")));
        AddressBlock one = AddressBlock.parse(" 127.0.0.2 ");
        assertEquals(32, one.prefix());
        assertTrue(one.contains(ip("127.0.0.2")));
        assertFalse(one.contains(ip("127.0.0.3")));
        assertTrue(AddressBlock.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
        assertEquals("10.0.0.0/8", AddressBlock.parse("10.1.2.3/8").toString(), "host bits are ignored");
    }

    @Test
    void ipv6BlocksNeverMatchIpv4AndTheOtherWayRound() throws Exception {
        AddressBlock doc = AddressBlock.parse("2001:db8::/32");
        assertTrue(doc.contains(ip("2001:db8:ffff::1")));
        assertFalse(doc.contains(ip("2001:db9::1")));
        assertTrue(AddressBlock.parse("[::1]").contains(ip("::1")));
        assertFalse(AddressBlock.parse("::/0").contains(ip("127.0.0.1")));
        assertFalse(AddressBlock.parse("0.0.0.0/0").contains(ip("::1")));
    }

    @Test
    void ipv4MappedAddressesAreTheirIpv4Address() throws Exception {
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3});
        assertTrue(AddressBlock.parse("10.0.0.0/8").contains(mapped));
        AddressBlock mappedBlock = AddressBlock.parse("::ffff:10.0.0.0/104");
        assertEquals("10.0.0.0/8", mappedBlock.toString());
        assertTrue(mappedBlock.contains(ip("10.9.9.9")));
    }

    @Test
    void oneSourceIsAnIpv4AddressOrAnIpv6Slash64() throws Exception {
        assertEquals(SourceKey.of(ip("2001:db8:1:2::1")), SourceKey.of(ip("2001:db8:1:2:ffff::9")));
        assertFalse(SourceKey.of(ip("2001:db8:1:3::1")).equals(SourceKey.of(ip("2001:db8:1:2::1"))));
        assertFalse(SourceKey.of(ip("127.0.0.2")).equals(SourceKey.of(ip("127.0.0.3"))));
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 2});
        assertEquals(SourceKey.of(ip("127.0.0.2")), SourceKey.of(mapped));
        assertEquals("127.0.0.2", SourceKey.of(ip("127.0.0.2")).toString());
        assertEquals("2001:db8:1:2::/64", SourceKey.of(ip("2001:db8:1:2::1")).toString());
    }

    @Test
    void badEntriesSayWhatIsWrong() {
        assertEquals("'10.0.0.0/33' is not a CIDR block: prefix 33 > 32", message("10.0.0.0/33"));
        assertEquals("'::1/129' is not a CIDR block: prefix 129 > 128", message("::1/129"));
        assertEquals("'10.0.0.0/x' is not a CIDR block: prefix 'x' is not a number", message("10.0.0.0/x"));
        assertEquals("'10.0.0.0/' is not a CIDR block: prefix '' is not a number", message("10.0.0.0/"));
        assertTrue(message("example.com").contains("is not an IP address (host names are not allowed)"));
        assertTrue(message("10.0.0.256").contains("'10.0.0.256' is not an IP address"));
    }

    private static String message(String entry) {
        return assertThrows(IllegalArgumentException.class, () -> AddressBlock.parse(entry)).getMessage();
    }

    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
