package dev.netsvc.core.internal;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PROXY header parser without sockets: each version and family, partial input, and what is refused. */
class ProxyHeaderTest {

    private static final InetSocketAddress CLIENT4 = address("192.0.2.7", 51000);
    private static final InetSocketAddress SERVER4 = address("198.51.100.1", 443);
    private static final InetSocketAddress CLIENT6 = address("2001:db8::7", 51001);
    private static final InetSocketAddress SERVER6 = address("2001:db8::1", 8443);

    private static InetSocketAddress address(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static ProxyHeader.Header parse(byte[] bytes, ProxyHeader.Accept accept) throws ProxyHeader.Malformed {
        return ProxyHeader.parse(ByteBuffer.wrap(bytes), accept);
    }

    private static byte[] plus(byte[] header, String rest) {
        byte[] more = rest.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(header, header.length + more.length);
        System.arraycopy(more, 0, out, header.length, more.length);
        return out;
    }

    @Test
    void v1Tcp4AndTcp6NameTheClientAndLeaveWhatFollows() throws Exception {
        byte[] header = ProxyHeaders.v1(CLIENT4, SERVER4);
        ByteBuffer in = ByteBuffer.wrap(plus(header, "GET /"));
        ProxyHeader.Header h = ProxyHeader.parse(in, ProxyHeader.Accept.V1);
        assertEquals(CLIENT4, h.source());
        assertEquals(SERVER4, h.destination());
        assertEquals(header.length, h.length());
        assertEquals(0, in.position(), "not consumed");
        assertEquals(CLIENT6, parse(ProxyHeaders.v1(CLIENT6, SERVER6), ProxyHeader.Accept.ANY).source());
    }

    @Test
    void v2Tcp4AndTcp6WithTlvs() throws Exception {
        ProxyHeader.Header four = parse(ProxyHeaders.v2(CLIENT4, SERVER4, new byte[] {0x01, 0x00, 0x02, 'h', '2'}), ProxyHeader.Accept.V2);
        assertEquals(CLIENT4, four.source());
        assertEquals(16 + 12 + 5, four.length());
        ProxyHeader.Header six = parse(ProxyHeaders.v2(CLIENT6, SERVER6, new byte[0]), ProxyHeader.Accept.ANY);
        assertEquals(CLIENT6, six.source());
        assertEquals(SERVER6, six.destination());
    }

    @Test
    void unknownAndLocalNameNoClient() throws Exception {
        ProxyHeader.Header unknown = parse("PROXY UNKNOWN whatever follows\r\n".getBytes(StandardCharsets.US_ASCII), ProxyHeader.Accept.V1);
        assertTrue(unknown.isLocal());
        assertEquals(32, unknown.length());
        ProxyHeader.Header local = parse(ProxyHeaders.v2Local(), ProxyHeader.Accept.V2);
        assertTrue(local.isLocal());
        assertEquals(16, local.length());
    }

    @Test
    void everyPrefixOfAHeaderAsksForMore() throws Exception {
        for (byte[] header : new byte[][] {ProxyHeaders.v1(CLIENT4, SERVER4), ProxyHeaders.v2(CLIENT6, SERVER6, new byte[] {1, 0, 0})}) {
            for (int n = 0; n < header.length; n++) {
                assertNull(parse(Arrays.copyOf(header, n), ProxyHeader.Accept.ANY), "prefix of " + n + " bytes");
            }
            assertEquals(header.length, parse(header, ProxyHeader.Accept.ANY).length());
        }
    }

    @Test
    void malformedHeadersAreRefusedWithAReason() {
        String[] v1 = {
            "GET / HTTP/1.1\r\n",
            "PROXY TCP4 192.0.2.7 198.51.100.1 51000\r\n",
            "PROXY TCP4 192.0.2.256 198.51.100.1 51000 443\r\n",
            "PROXY TCP4 ::1 198.51.100.1 51000 443\r\n",
            "PROXY TCP6 192.0.2.7 198.51.100.1 51000 443\r\n",
            "PROXY TCP4 192.0.2.7 198.51.100.1 65536 443\r\n",
            "PROXY TCP4 192.0.2.7 198.51.100.1 051000 443\r\n",
            "PROXY UDP4 192.0.2.7 198.51.100.1 51000 443\r\n",
            "PROXY TCP4 192.0.2.7  198.51.100.1 51000 443\r\n",
            "PROXY TCP4 192.0.2.7 198.51.100.1 51000 443\n",
            "PROXY TCP4 localhost 198.51.100.1 51000 443\r\n",
            "PROXY " + "9".repeat(120),
        };
        for (String text : v1) {
            ProxyHeader.Malformed e = assertThrows(ProxyHeader.Malformed.class,
                    () -> parse(text.getBytes(StandardCharsets.US_ASCII), ProxyHeader.Accept.ANY), text);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), text);
        }
        byte[] v2 = ProxyHeaders.v2(CLIENT4, SERVER4, new byte[0]);
        byte[] badVersion = v2.clone();
        badVersion[12] = 0x31;
        byte[] badCommand = v2.clone();
        badCommand[12] = 0x2F;
        byte[] tooShort = v2.clone();
        tooShort[15] = 4; // INET needs 12 bytes
        byte[] tooLong = v2.clone();
        tooLong[14] = (byte) 0xFF;
        for (byte[] bad : new byte[][] {badVersion, badCommand, tooShort, tooLong}) {
            assertThrows(ProxyHeader.Malformed.class, () -> parse(bad, ProxyHeader.Accept.V2));
        }
    }

    @Test
    void aVersionTheServiceDoesNotExpectIsRefused() {
        assertThrows(ProxyHeader.Malformed.class, () -> parse(ProxyHeaders.v1(CLIENT4, SERVER4), ProxyHeader.Accept.V2));
        assertThrows(ProxyHeader.Malformed.class, () -> parse(ProxyHeaders.v2Local(), ProxyHeader.Accept.V1));
    }
}
