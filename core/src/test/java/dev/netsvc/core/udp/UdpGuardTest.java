package dev.netsvc.core.udp;

import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.access.AccessList;
import dev.netsvc.core.access.AccessPolicy;
import dev.netsvc.core.access.AddressBlock;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpGuardTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final ServiceCounters counters = new ServiceCounters();

    private UdpGuard guard(int rate, int burst, int globalRate, int tracked) {
        return new UdpGuard(new UdpLimits(rate, burst, globalRate, tracked), clock, counters, 4242);
    }

    @Test
    void classicServicePortsAndTheHostsUdpPortsAreLoops() throws Exception {
        UdpGuard guard = new UdpGuard(new UdpLimits(1000, 1000, 100_000, 100), AccessPolicy.OPEN,
                Set.of(1717, 19019), clock, counters, NOPLogger.NOP_LOGGER, 4242);
        for (int port : new int[] {7, 9, 13, 17, 19, 37, 1717, 19019}) {
            assertFalse(guard.admit(source("192.0.2.1", port)), "source port " + port);
        }
        assertFalse(guard.admit(source("192.0.2.1", 4242)), "the service's own port");
        assertEquals(9, counters.get("udp.dropped.loop"));
        assertEquals(0, counters.get("udp.dropped.privileged-port"));
        assertTrue(guard.admit(source("192.0.2.1", 3737)), "a port no service of this host uses is an ordinary client");
    }

    @Test
    void accessListAndRateApplyPerDatagramBeforeTheUdpLimits() throws Exception {
        AccessPolicy policy = new AccessPolicy(new AccessList(List.of(AddressBlock.parse("127.0.0.0/8")),
                List.of(AddressBlock.parse("127.0.0.3"))), 0, 1, 2);
        UdpGuard guard = new UdpGuard(new UdpLimits(1000, 1000, 100_000, 100), policy, Set.of(), clock, counters,
                NOPLogger.NOP_LOGGER, 4242);
        assertFalse(guard.admit(source("192.0.2.1", 40000)), "not in only-from");
        assertFalse(guard.admit(source("127.0.0.3", 40000)), "no-access is more specific");
        assertEquals(2, counters.get("udp.dropped.acl"));
        assertEquals(2, admitted(guard, source("127.0.0.2", 40000), 5), "rate-burst 2");
        assertEquals(3, counters.get("udp.dropped.rate"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, admitted(guard, source("127.0.0.2", 40000), 5), "rate 1 per second");
    }

    @Test
    void otherPortsBelow1024AreDroppedAndFrom1024Admitted() throws Exception {
        UdpGuard guard = guard(1000, 1000, 100_000, 100);
        assertFalse(guard.admit(source("192.0.2.1", 0)));
        assertFalse(guard.admit(source("192.0.2.1", 123)));
        assertFalse(guard.admit(source("192.0.2.1", 1023)));
        assertTrue(guard.admit(source("192.0.2.1", 1024)));
        assertTrue(guard.admit(source("192.0.2.1", 54321)));
        assertEquals(3, counters.get("udp.dropped.privileged-port"));
    }

    @Test
    void wildcardMulticastAndBroadcastSourcesAreDropped() throws Exception {
        UdpGuard guard = guard(1000, 1000, 100_000, 100);
        for (String bad : new String[] {"0.0.0.0", "255.255.255.255", "224.0.0.1", "::", "ff02::1"}) {
            assertFalse(guard.admit(source(bad, 40000)), bad);
        }
        assertEquals(5, counters.get("udp.dropped.bad-source"));
        assertNull(UdpGuard.checkSource(source("::1", 40000), Set.of()));
        assertNull(UdpGuard.checkSource(source("192.168.1.255", 40000), Set.of()), "a subnet broadcast is not knowable here");
    }

    @Test
    void eachSourceGetsItsBurstThenItsRate() throws Exception {
        UdpGuard guard = guard(2, 3, 100_000, 100);
        InetSocketAddress a = source("192.0.2.1", 40000);
        InetSocketAddress b = source("192.0.2.2", 40000);
        assertEquals(3, admitted(guard, a, 10));
        assertEquals(3, admitted(guard, b, 10), "another source has its own bucket");
        assertEquals(0, admitted(guard, source("192.0.2.1", 50000), 1), "the bucket is per address, not per port");
        clock.advance(Duration.ofMillis(500));
        assertEquals(1, admitted(guard, a, 10), "2 per second: one after half a second");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(3, admitted(guard, a, 10), "idle time refills up to the burst only");
        assertEquals(7 + 7 + 1 + 9 + 7, counters.get("udp.dropped.rate-limit-source"));
    }

    @Test
    void ipv6SourcesShareABucketPerSlash64() throws Exception {
        UdpGuard guard = guard(1, 2, 100_000, 100);
        assertEquals(1, admitted(guard, source("2001:db8:1:2::1", 40000), 1));
        assertEquals(1, admitted(guard, source("2001:db8:1:2:ffff::9", 40000), 5), "same /64");
        assertEquals(2, admitted(guard, source("2001:db8:1:3::1", 40000), 5), "next /64 has its own");
    }

    @Test
    void theGlobalRateCapsAllSourcesTogether() throws Exception {
        UdpGuard guard = guard(100, 100, 5, 1000);
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            admitted += admitted(guard, source("198.51.100." + i, 40000), 1);
        }
        assertEquals(5, admitted, "one second's worth of the global rate");
        assertEquals(45, counters.get("udp.dropped.rate-limit-global"));
        clock.advance(Duration.ofMillis(200));
        assertEquals(1, admitted(guard, source("198.51.100.200", 40000), 5));
    }

    @Test
    void forgedSourcesCannotGrowTheTable() throws Exception {
        UdpGuard guard = guard(1, 1, 10_000_000, 64);
        for (int i = 0; i < 10_000; i++) {
            byte[] ip = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            assertTrue(guard.admit(new InetSocketAddress(InetAddress.getByAddress(ip), 40000)));
        }
        assertEquals(64, guard.trackedSources());
        assertEquals(10_000 - 64, counters.get("udp.sources.forgotten"));
    }

    @Test
    void aRecentlySeenSourceIsNotTheOneForgotten() throws Exception {
        UdpGuard guard = guard(1, 1, 10_000_000, 2);
        InetSocketAddress busy = source("192.0.2.1", 40000);
        assertTrue(guard.admit(busy));
        assertTrue(guard.admit(source("192.0.2.2", 40000)));
        assertFalse(guard.admit(busy), "busy has used its token (and is now the most recently seen)");
        assertTrue(guard.admit(source("192.0.2.3", 40000)), "forgets 192.0.2.2, not busy");
        assertFalse(guard.admit(busy), "busy is still remembered, with an empty bucket");
    }

    @Test
    void defaultsAreTheDeclaredKeys() {
        UdpLimits d = UdpLimits.defaults();
        assertEquals(new UdpLimits(10, 20, 1000, 10_000), d);
        assertEquals(4, UdpLimits.KEYS.size());
    }

    private static int admitted(UdpGuard guard, InetSocketAddress source, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (guard.admit(source)) {
                n++;
            }
        }
        return n;
    }

    private static InetSocketAddress source(String ip, int port) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }
}
