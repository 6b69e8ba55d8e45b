package dev.netsvc.core.net;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netsvc.core.ConfigKey;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link HostPort} (Jazzer); seeds under
 * {@code src/test/resources/dev/netsvc/core/net/HostPortFuzzTestInputs/parse/}. Properties:
 * <ul>
 *   <li>{@code parse} either fails with {@link IllegalArgumentException} and a message, or gives a host
 *       with no surrounding whitespace and a port in range;</li>
 *   <li>format/parse round-trip: what parses prints ({@code toString}) to text that parses to the same
 *       host and port, whatever the default port;</li>
 *   <li>any IPv4 or IPv6 address formats ({@code formatAddress}, RFC 5952 compression) to a literal that
 *       parses back to the same address, with and without brackets and a port.</li>
 * </ul>
 */
class HostPortFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parse(FuzzedDataProvider data) throws UnknownHostException {
        int defaultPort = data.consumeInt(0, 65535);
        byte[] address = data.consumeBytes(data.consumeBoolean() ? 16 : 4);
        String text = data.consumeRemainingAsString();

        HostPort parsed;
        try {
            parsed = HostPort.parse(text, defaultPort);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            parsed = null;
        }
        if (parsed != null) {
            assertFalse(parsed.host().isEmpty());
            assertEquals(parsed.host().strip(), parsed.host(), "host keeps surrounding whitespace");
            assertTrue(parsed.port() >= 0 && parsed.port() <= 65535);
            String printed = parsed.toString();
            HostPort again = HostPort.parse(printed, defaultPort == 0 ? 1 : 0);
            assertEquals(parsed, again, "'" + text + "' printed as '" + printed + "'");
        }

        if (address.length == 4 || address.length == 16) {
            InetAddress ip = InetAddress.getByAddress(address);
            String literal = HostPort.formatAddress(ip, false);
            assertEquals(ip, ConfigKey.parseAddress(literal), literal);
            String bracketed = HostPort.formatAddress(ip, true);
            assertEquals(ip, ConfigKey.parseAddress(bracketed), bracketed);
            String withPort = HostPort.format(new InetSocketAddress(ip, defaultPort));
            HostPort back = HostPort.parse(withPort, 1);
            assertEquals(defaultPort, back.port(), withPort);
            assertEquals(ip, ConfigKey.parseAddress(back.host()), withPort);
        }
    }
}
