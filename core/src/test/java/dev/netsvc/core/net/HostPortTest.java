package dev.netsvc.core.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPortTest {

    @Test
    void hostAlone() {
        assertEquals(new HostPort("example.org", 7), HostPort.parse("example.org", 7));
        assertEquals(new HostPort("10.0.0.1", 13), HostPort.parse(" 10.0.0.1 ", 13));
    }

    @Test
    void hostAndPort() {
        assertEquals(new HostPort("localhost", 7007), HostPort.parse("localhost:7007", 7));
        assertEquals(new HostPort("127.0.0.1", 0), HostPort.parse("127.0.0.1:0", 7));
        assertEquals(new HostPort("h", 65535), HostPort.parse("h:65535", 7));
    }

    @Test
    void ipv6InBracketsWithOrWithoutPort() {
        assertEquals(new HostPort("::1", 7007), HostPort.parse("[::1]:7007", 7));
        assertEquals(new HostPort("fe80::1%eth0", 7), HostPort.parse("[fe80::1%eth0]", 7));
    }

    @Test
    void bareIpv6HasNoPort() {
        assertEquals(new HostPort("::1", 7), HostPort.parse("::1", 7));
        assertEquals(new HostPort("2001:db8::7", 13), HostPort.parse("2001:db8::7", 13));
    }

    @Test
    void errorsSayWhatIsValid() {
        assertMessage("h:65536", "0 to 65535");
        assertMessage("h:", "0 to 65535");
        assertMessage("h:x", "0 to 65535");
        assertMessage(":7", "no host");
        assertMessage("[::1", "without ']'");
        assertMessage("[::1]7", "':PORT'");
        assertMessage("[host]:7", "IPv6");
        assertMessage("", "empty");
    }

    /** Found by HostPortFuzzTest: hosts that did not survive being printed and parsed again. */
    @Test
    void hostsWithSpacesOrBracketsAreRefused() {
        assertMessage("::]", "brackets"); // printed as [::]]:7, which does not parse
        assertMessage("::1]:7", "brackets"); // the fuzzer's first finding (crash-b43f5cba... in the corpus)
        assertMessage("localhost :7", "spaces"); // the host was "localhost "
        assertMessage("[::1 ]:7", "spaces");
        assertMessage("a\tb", "spaces");
        assertEquals(new HostPort("a:b::c", 7), HostPort.parse(HostPort.parse("a:b::c", 7).toString(), 9));
    }

    private static void assertMessage(String input, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(input, 7));
        assertTrue(e.getMessage().contains(fragment), input + " -> " + e.getMessage());
    }

    @Test
    void formatsLikePeopleWriteAddresses() throws Exception {
        assertEquals("[::1]:7", HostPort.format(new InetSocketAddress(InetAddress.getByName("::1"), 7)));
        assertEquals("127.0.0.1:7", HostPort.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 7)));
        assertEquals("2001:db8::1", HostPort.formatAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1"), false));
        assertEquals("2001:db8:0:1::", HostPort.formatAddress(InetAddress.getByName("2001:db8:0:1:0:0:0:0"), false));
        assertEquals("1:0:2::3", HostPort.formatAddress(InetAddress.getByName("1:0:2:0:0:0:0:3"), false));
        assertEquals("::", HostPort.formatAddress(InetAddress.getByName("::"), false));
        assertEquals("[::1]:7", new HostPort("::1", 7).toString());
    }
}
