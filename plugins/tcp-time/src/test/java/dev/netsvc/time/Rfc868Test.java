package dev.netsvc.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Rfc868Test {

    private static final Instant WRAP = Instant.parse("2036-02-07T06:28:16Z");

    @Test
    void countsSecondsSince1900BigEndian() {
        assertArrayEquals(new byte[] {0, 0, 0, 0}, Rfc868.encode(Instant.parse("1900-01-01T00:00:00Z")));
        // RFC 868's own examples: 2,208,988,800 is 1970-01-01, 2,398,291,200 is 1976-01-01
        assertEquals(2_208_988_800L, Rfc868.count(Rfc868.encode(Instant.EPOCH)));
        assertEquals(2_398_291_200L, Rfc868.count(Rfc868.encode(Instant.parse("1976-01-01T00:00:00Z"))));
        assertArrayEquals(new byte[] {(byte) 0x83, (byte) 0xAA, 0x7E, (byte) 0x80}, Rfc868.encode(Instant.EPOCH));
        assertEquals(Rfc868.count(Rfc868.encode(Instant.EPOCH)),
                Rfc868.count(Rfc868.encode(Instant.EPOCH.plusMillis(999))), "fractions are dropped");
    }

    @Test
    void wrapsToZeroAt2036AndKeepsCounting() {
        assertEquals(WRAP, Rfc868.FIRST_WRAP);
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, Rfc868.encode(WRAP.minusSeconds(1)));
        assertArrayEquals(new byte[] {0, 0, 0, 0}, Rfc868.encode(WRAP));
        assertArrayEquals(new byte[] {0, 0, 0, 1}, Rfc868.encode(WRAP.plusSeconds(1)));
    }

    @Test
    void decodesToTheEraNearestTheLocalClock() {
        Instant justAfter = WRAP.plusSeconds(4);
        assertEquals(WRAP, Rfc868.decode(0, justAfter));
        assertEquals(WRAP.minusSeconds(1), Rfc868.decode(0xFFFF_FFFFL, justAfter), "a server a little behind, across the wrap");
        assertEquals(WRAP.plusSeconds(1), Rfc868.decode(1, WRAP.minusSeconds(3)), "a server a little ahead, across the wrap");
        assertEquals(Instant.EPOCH, Rfc868.decode(2_208_988_800L, Instant.parse("2025-06-01T00:00:00Z")));
        assertEquals(Instant.EPOCH.plusSeconds(Rfc868.ERA), Rfc868.decode(2_208_988_800L, Instant.parse("2080-01-01T00:00:00Z")));
    }

    @Test
    void roundTripsAnyTimeWithin68YearsOfTheLocalClock() {
        Random random = new Random(868);
        long sixtyEightYears = Duration.ofDays(68 * 365).toSeconds();
        for (int i = 0; i < 10_000; i++) {
            Instant local = Instant.parse("1950-01-01T00:00:00Z").plusSeconds((long) (random.nextDouble() * 200 * 365 * 86_400L));
            Instant server = local.plusSeconds(random.nextLong(-sixtyEightYears, sixtyEightYears));
            assertEquals(server.getEpochSecond(), Rfc868.decode(Rfc868.count(Rfc868.encode(server)), local).getEpochSecond(),
                    () -> "server " + server + " seen from " + local);
        }
    }
}
