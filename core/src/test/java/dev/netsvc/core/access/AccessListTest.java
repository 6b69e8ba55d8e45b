package dev.netsvc.core.access;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.internal.ServiceKeys;
import dev.netsvc.core.Settings;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.netsvc.core.access.AddressBlockTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessListTest {

    private static AccessList acl(String onlyFrom, String noAccess) {
        return new AccessList(blocks(onlyFrom), blocks(noAccess));
    }

    private static List<AddressBlock> blocks(String list) {
        return Arrays.stream(list.split(",")).filter(s -> !s.isBlank()).map(AddressBlock::parse).toList();
    }

    @Test
    void emptyListsAllowEveryone() throws Exception {
        assertTrue(AccessList.ALLOW_ALL.allows(ip("203.0.113.1")));
        assertTrue(AccessList.ALLOW_ALL.allowsAll());
    }

    @Test
    void onlyFromAllowsItsEntriesAndNoOneElse() throws Exception {
        AccessList acl = acl("127.0.0.2, 10.0.0.0/8", "");
        assertTrue(acl.allows(ip("127.0.0.2")));
        assertTrue(acl.allows(ip("10.1.1.1")));
        assertFalse(acl.allows(ip("127.0.0.3")));
        assertFalse(acl.allows(ip("::1")));
    }

    @Test
    void noAccessAloneRefusesItsEntries() throws Exception {
        AccessList acl = acl("", "192.0.2.0/24");
        assertFalse(acl.allows(ip("192.0.2.7")));
        assertTrue(acl.allows(ip("198.51.100.7")));
    }

    @Test
    void theMoreSpecificEntryWinsAndATieRefuses() throws Exception {
        AccessList holes = acl("10.0.0.0/8", "10.1.0.0/16");
        assertFalse(holes.allows(ip("10.1.2.3")));
        assertTrue(holes.allows(ip("10.2.0.1")));
        AccessList islands = acl("10.1.0.0/16", "10.0.0.0/8");
        assertTrue(islands.allows(ip("10.1.2.3")));
        assertFalse(islands.allows(ip("10.2.0.1")));
        assertFalse(acl("10.0.0.0/8", "10.0.0.0/8").allows(ip("10.0.0.1")), "a tie refuses");
        AccessList v6 = acl("2001:db8::/32", "2001:db8:bad::/48");
        assertFalse(v6.allows(ip("2001:db8:bad::1")));
        assertTrue(v6.allows(ip("2001:db8:900d::1")));
    }

    @Test
    void settingsParseTheKeysAndNameTheKeyAndEntryInErrors() {
        List<ConfigKey<?>> keys = ServiceKeys.withOwn("echo-blocking", java.util.Set.of(dev.netsvc.core.Transport.TCP), List.of());
        Settings settings = HostAccess.parseSettings("echo-blocking", keys, Map.of("only-from", "127.0.0.0/8,::1", "no-access",
                "127.0.0.3", "per-source", "4", "rate", "10"));
        AccessPolicy policy = AccessPolicy.of(settings);
        assertEquals(2, policy.acl().onlyFrom().size());
        assertEquals(4, policy.perSource());
        assertEquals(10, policy.rateBurst(), "the burst defaults to the rate");
        ConfigException e = assertThrows(ConfigException.class, () -> HostAccess.parseSettings("echo-blocking", keys,
                Map.of("only-from", "127.0.0.1, 10.0.0.0/33")));
        assertEquals("echo-blocking.only-from", e.key());
        assertTrue(e.getMessage().contains("echo-blocking.only-from: '10.0.0.0/33' is not a CIDR block: prefix 33 > 32"),
                e.getMessage());
        assertSame(AccessPolicy.OPEN, AccessPolicy.of(Settings.defaults("x", List.of())), "no access keys: open");
    }

    @Test
    void aServiceCannotRedeclareAKeyEveryServiceHas() {
        for (String name : List.of("rate", "port", "restart-window")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceKeys.withOwn("mine", java.util.Set.of(dev.netsvc.core.Transport.TCP),
                    List.of(ConfigKey.integer(name, 1, 1, 2, "mine"))));
            assertEquals("mine redeclares the key '" + name + "', which every service has", e.getMessage());
        }
    }
}
