package dev.netsvc.core.net;

import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadlineSweepTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofMillis(10);

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final Set<Item> watched = ConcurrentHashMap.newKeySet();
    private final List<Item> expired = new CopyOnWriteArrayList<>();
    private final AtomicInteger looks = new AtomicInteger(); // deadlines read: proof that sweeps ran
    private DeadlineSweep<Item> sweep;

    /** A watched item with a deadline it publishes, as a connection would. */
    private static final class Item {
        final String name;
        volatile long deadline;
        volatile long lastActivity;

        Item(String name, long deadline) {
            this.name = name;
            this.deadline = deadline;
            this.lastActivity = deadline;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @AfterEach
    void stop() {
        if (sweep != null) {
            sweep.stop();
        }
    }

    private long now() {
        return clock.millis();
    }

    private void start() {
        sweep = DeadlineSweep.start("test-sweep", clock, TICK, watched, i -> {
            looks.incrementAndGet();
            return i.deadline;
        }, expired::add);
    }

    /** Waits until the sweep has looked at the watched items at least twice more: one whole sweep ran. */
    private void awaitFullSweep() {
        int seen = looks.get();
        int needed = seen + 2 * Math.max(1, watched.size());
        Await.until(WAIT, "a whole sweep", () -> looks.get() >= needed);
    }

    @Test
    void expiresOnlyOnceTheClockPassesTheDeadline() {
        Item later = new Item("later", now() + 1_000);
        Item none = new Item("none", DeadlineSweep.NONE);
        watched.add(later);
        watched.add(none);
        start();
        awaitFullSweep();
        assertEquals(List.of(), expired, "nothing is due yet");

        clock.advance(Duration.ofMillis(999));
        awaitFullSweep();
        assertEquals(List.of(), expired, "one millisecond early");

        clock.advance(Duration.ofMillis(1));
        Await.until(WAIT, () -> "expired: " + expired, () -> expired.contains(later));
        assertTrue(!expired.contains(none), "an item without a deadline never expires");
    }

    @Test
    void expiresAgainWhileStillPastItsDeadlineAndNotOnceRemoved() {
        Item due = new Item("due", now());
        watched.add(due);
        start();
        Await.until(WAIT, "expired twice", () -> expired.size() >= 2);

        watched.remove(due);
        int after = expired.size();
        watched.add(new Item("other", DeadlineSweep.NONE));
        awaitFullSweep();
        // one sweep may have been under way when it was removed
        assertTrue(expired.size() <= after + 1, "a removed item is not expired again: " + expired.size());
    }

    @Test
    void publishingALaterDeadlinePostponesExpiry() {
        Item moving = new Item("moving", now() + 100);
        watched.add(moving);
        start();
        moving.deadline = now() + 10_000; // the item made progress
        clock.advance(Duration.ofMillis(5_000));
        awaitFullSweep();
        assertEquals(List.of(), expired);

        clock.advance(Duration.ofMillis(5_000));
        Await.until(WAIT, "the new deadline passed", () -> expired.contains(moving));
    }

    @Test
    void idleIsLastActivityPlusTheTimeout() {
        Item quiet = new Item("quiet", 0);
        Item busy = new Item("busy", 0);
        quiet.lastActivity = now();
        busy.lastActivity = now();
        watched.add(quiet);
        watched.add(busy);
        sweep = DeadlineSweep.idle("test-idle", clock, Duration.ofSeconds(30), watched, i -> {
            looks.incrementAndGet();
            return i.lastActivity;
        }, expired::add);

        clock.advance(Duration.ofSeconds(20));
        busy.lastActivity = now();
        awaitFullSweep();
        assertEquals(List.of(), expired, "nobody idle for 30 s yet");

        clock.advance(Duration.ofSeconds(10));
        Await.until(WAIT, () -> "expired: " + expired, () -> expired.contains(quiet));
        assertTrue(!expired.contains(busy), "busy moved 10 s ago");
    }

    @Test
    void anExpiryThatThrowsIsNotRetriedAndDoesNotStopTheOthers() {
        Item bad = new Item("bad", now());
        Item good = new Item("good", now() + 1_000);
        watched.add(bad);
        watched.add(good);
        AtomicInteger badCalls = new AtomicInteger();
        sweep = DeadlineSweep.start("test-broken", clock, TICK, watched, i -> {
            looks.incrementAndGet();
            return i.deadline;
        }, i -> {
            if (i == bad) {
                badCalls.incrementAndGet();
                throw new IllegalStateException("broken on purpose");
            }
            expired.add(i);
        });
        Await.until(WAIT, "the broken item tried", () -> badCalls.get() == 1);

        clock.advance(Duration.ofSeconds(1));
        Await.until(WAIT, "the good item expired", () -> expired.contains(good));
        awaitFullSweep();
        assertEquals(1, badCalls.get(), "a failed expiry is not retried every tick");
    }

    @Test
    void refusesTimeoutsThatCannotWork() {
        assertThrows(IllegalArgumentException.class,
                () -> DeadlineSweep.idle("x", clock, Duration.ZERO, watched, i -> 0, i -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> DeadlineSweep.start("x", clock, Duration.ZERO, watched, i -> 0, i -> { }));
    }

    @Test
    void tickIsATenthOfTheShortestTimeoutWithinBounds() {
        assertEquals(Duration.ofMillis(10), DeadlineSweep.tickFor(Duration.ofMillis(100)));
        assertEquals(Duration.ofMillis(100), DeadlineSweep.tickFor(Duration.ofSeconds(1)));
        assertEquals(Duration.ofMillis(250), DeadlineSweep.tickFor(Duration.ofSeconds(60)));
        assertEquals(Duration.ofMillis(10), DeadlineSweep.tickFor(Duration.ofMillis(1)));
    }
}
