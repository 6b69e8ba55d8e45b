package dev.netsvc.time;

import java.time.Instant;

/**
 * RFC 868 time on the wire: a 32-bit unsigned, big-endian count of seconds since 1900-01-01T00:00Z.
 * The count wraps every 2^32 seconds (about 136 years); the first wrap is at 2036-02-07T06:28:16Z. The
 * server sends the count modulo 2^32, so it keeps working after the wrap; the client resolves the era
 * as NTP does (RFC 5905, RFC 4330): the one that puts the result nearest its own clock, which is right
 * whenever the two clocks are less than 68 years apart.
 */
final class Rfc868 {

    /** Seconds from 1900-01-01T00:00Z to 1970-01-01T00:00Z. */
    static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    /** Seconds in one era: the 32-bit count wraps after this many. */
    static final long ERA = 1L << 32;

    /** The moment the count first wraps to zero. */
    static final Instant FIRST_WRAP = Instant.ofEpochSecond(ERA - SECONDS_1900_TO_1970);

    private Rfc868() {
    }

    /** The 4 bytes for {@code time} (fractions of a second are dropped, as the protocol has none). */
    static byte[] encode(Instant time) {
        long count = Math.floorMod(time.getEpochSecond() + SECONDS_1900_TO_1970, ERA);
        return new byte[] {(byte) (count >>> 24), (byte) (count >>> 16), (byte) (count >>> 8), (byte) count};
    }

    /** The unsigned count in 4 big-endian bytes. */
    static long count(byte[] wire) {
        if (wire.length != 4) {
            throw new IllegalArgumentException("an RFC 868 time is 4 bytes, not " + wire.length);
        }
        return ((wire[0] & 0xFFL) << 24) | ((wire[1] & 0xFFL) << 16) | ((wire[2] & 0xFFL) << 8) | (wire[3] & 0xFFL);
    }

    /** The instant {@code count} stands for in the era that puts it nearest {@code near}. */
    static Instant decode(long count, Instant near) {
        long nearCount = near.getEpochSecond() + SECONDS_1900_TO_1970;
        long era = Math.floorDiv(nearCount - count + ERA / 2, ERA);
        return Instant.ofEpochSecond(count + era * ERA - SECONDS_1900_TO_1970);
    }
}
