package dev.netsvc.testkit;

/**
 * A deterministic, random-looking byte stream of any length, computed from the offset alone: a writer
 * and a reader generate the same bytes independently, so a test can send 64 MiB and check every byte
 * without holding either copy in memory.
 */
public final class BytePattern {

    private final long seed;

    public BytePattern(long seed) {
        this.seed = seed;
    }

    /** The byte at {@code offset}. */
    public byte at(long offset) {
        return (byte) (mix(seed + (offset >>> 3)) >>> ((offset & 7) << 3));
    }

    /** Fills {@code dst[from, from+length)} with the stream's bytes starting at {@code offset}. */
    public void fill(long offset, byte[] dst, int from, int length) {
        long wordIndex = -1;
        long word = 0;
        for (int i = 0; i < length; i++) {
            long at = offset + i;
            if (at >>> 3 != wordIndex) {
                wordIndex = at >>> 3;
                word = mix(seed + wordIndex);
            }
            dst[from + i] = (byte) (word >>> ((at & 7) << 3));
        }
    }

    /** The first {@code length} bytes. */
    public byte[] bytes(int length) {
        byte[] out = new byte[length];
        fill(0, out, 0, length);
        return out;
    }

    /** Index of the first byte of {@code data[from, from+length)} that differs from the stream at {@code offset}, or -1. */
    public int mismatch(long offset, byte[] data, int from, int length) {
        byte[] expected = new byte[Math.min(length, 8192)];
        for (int done = 0; done < length; done += expected.length) {
            int n = Math.min(expected.length, length - done);
            fill(offset + done, expected, 0, n);
            int bad = java.util.Arrays.mismatch(data, from + done, from + done + n, expected, 0, n);
            if (bad >= 0) {
                return done + bad;
            }
        }
        return -1;
    }

    // SplitMix64's finaliser: consecutive inputs give unrelated outputs
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
