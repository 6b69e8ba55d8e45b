package dev.netsvc.core.internal;

import dev.netsvc.core.Transport;
import dev.netsvc.core.Settings;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.ConfigException;
import dev.netsvc.core.access.AccessKeys;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keys every service has, declared once, and the messages that name them. */
class ServiceKeysTest {

    @Test
    void theHostsKeysTakeTheServicesPortAsDefault() {
        ServiceKeys.HostKeys keys = ServiceKeys.host("echo", 7007);
        assertEquals(7007, keys.port().defaultValue());
        assertEquals(List.of("enabled", "port", "bind", "reuse-port", "restart", "restart-limit", "restart-window"), ServiceKeys.HOST_NAMES);
        Settings settings = HostAccess.parseSettings("echo", keys.all(), Map.of("restart", "NEVER", "port", "0"));
        assertEquals("never", settings.get(keys.restart()));
        assertEquals(0, settings.get(keys.port()));
        assertTrue(keys.enabled().description().contains("echo"), keys.enabled().description());
    }

    @Test
    void everyServiceHasTheHostsAndTheAccessKeys() {
        for (ConfigKey<?> key : AccessKeys.KEYS) {
            assertTrue(ServiceKeys.NAMES.contains(key.name()), key.name());
        }
        assertTrue(ServiceKeys.NAMES.containsAll(ServiceKeys.HOST_NAMES));
        List<ConfigKey<?>> keys = ServiceKeys.withOwn("echo", java.util.Set.of(Transport.UDP),
                List.of(ConfigKey.bool("fast", true, "go fast")));
        assertEquals("fast", keys.get(0).name());
        assertEquals(AccessKeys.KEYS, keys.subList(1, keys.size()));
    }

    @Test
    void aServiceThatListensOnTcpAlsoHasThePROXYAndTlsKeys() {
        List<ConfigKey<?>> keys = ServiceKeys.withOwn("echo", java.util.Set.of(Transport.TCP, Transport.UDP), List.of());
        assertEquals(AccessKeys.KEYS, keys.subList(0, AccessKeys.KEYS.size()));
        assertEquals(ServiceKeys.TCP_KEYS, keys.subList(AccessKeys.KEYS.size(), keys.size()));
        assertTrue(keys.stream().anyMatch(k -> k.name().equals("tls.cert")) && keys.stream().anyMatch(k -> k.name().equals("proxy-from")));
        assertTrue(ServiceKeys.isTcpOnly("tls.handshake-timeout") && ServiceKeys.isTcpOnly("proxy-protocol"));
        assertTrue(!ServiceKeys.isTcpOnly("only-from"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceKeys.withOwn("mine",
                java.util.Set.of(Transport.TCP), List.of(ConfigKey.string("tls.cert", "", "mine"))));
        assertTrue(e.getMessage().contains("tls.cert"), e.getMessage());
    }

    @Test
    void anUnknownKeyIsNamedWithEveryKeyTheServiceHas() {
        ConfigException e = assertThrows(ConfigException.class, () -> HostAccess.parseSettings("echo",
                ServiceKeys.withOwn("echo", java.util.Set.of(Transport.UDP), List.of(ConfigKey.bool("fast", true, "go fast"))),
                Map.of("fats", "true")));
        assertEquals("echo.fats", e.key());
        assertTrue(e.getMessage().contains("echo.enabled, echo.port, echo.bind, echo.reuse-port, echo.restart, echo.restart-limit,"
                + " echo.restart-window, echo.connection-log, echo.fast, echo.no-access, echo.only-from"), e.getMessage());
    }
}
