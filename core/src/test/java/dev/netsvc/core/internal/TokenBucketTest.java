package dev.netsvc.core.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void startsFullAndAdmitsExactlyTheBurst() {
        TokenBucket bucket = new TokenBucket(1, 3, 0);
        assertEquals(3, takes(bucket, 0, 10));
    }

    @Test
    void refillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(10, 1, 0);
        assertTrue(bucket.tryTake(0));
        assertFalse(bucket.tryTake(SECOND / 10 - 1), "9.99 tokens per second is not yet one");
        assertTrue(bucket.tryTake(SECOND / 10 + 1));
        assertFalse(bucket.tryTake(SECOND / 10 + 2));
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(1000, 5, 0);
        assertEquals(5, takes(bucket, 0, 100));
        assertEquals(5, takes(bucket, 3600 * SECOND, 100), "an hour idle still gives only the burst");
    }

    @Test
    void aClockSteppedBackDoesNotFreezeTheBucket() {
        TokenBucket bucket = new TokenBucket(1, 1, 100 * SECOND);
        assertTrue(bucket.tryTake(100 * SECOND));
        assertFalse(bucket.tryTake(50 * SECOND), "no token is made from going back");
        assertTrue(bucket.tryTake(51 * SECOND), "one second after the step there is a token again");
    }

    @Test
    void rejectsZeroRateOrBurst() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
    }

    private static int takes(TokenBucket bucket, long now, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.tryTake(now)) {
                n++;
            }
        }
        return n;
    }
}
