package dev.netsvc.core.net;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order and deadlines of {@link GracefulStop}, on an engine that records its steps (no threads, no waits). */
class GracefulStopTest {

    /** An engine whose connections end when told to, or never ({@code stubborn}). */
    private static final class Recorder implements GracefulStop.Steps {
        final List<String> steps = new ArrayList<>();
        final List<Long> deadlines = new ArrayList<>();
        boolean handedOver;
        boolean finishOnTheirOwn; // connections end without their input ended (a handed-over listener)
        boolean stubborn; // connections do not end even at end of input
        boolean threadsEnd = true;
        int open = 2;

        @Override
        public boolean stopAccepting(long graceDeadlineNanos) {
            steps.add("stopAccepting");
            deadlines.add(graceDeadlineNanos);
            return handedOver;
        }

        @Override
        public void endInput() {
            steps.add("endInput");
            if (!stubborn) {
                open = 0;
            }
        }

        @Override
        public boolean awaitConnections(long deadlineNanos) {
            steps.add("awaitConnections");
            deadlines.add(deadlineNanos);
            if (finishOnTheirOwn) {
                open = 0;
            }
            return open == 0;
        }

        @Override
        public void closeAll() {
            steps.add("closeAll");
            open = 0;
        }

        @Override
        public boolean awaitThreads(long deadlineNanos) {
            steps.add("awaitThreads");
            deadlines.add(deadlineNanos);
            return threadsEnd;
        }
    }

    @Test
    void endsInputThenWaitsAndClosesNothingWhenConnectionsFinish() {
        Recorder engine = new Recorder();
        assertTrue(GracefulStop.run(Duration.ofSeconds(5), engine));
        assertEquals(List.of("stopAccepting", "endInput", "awaitConnections", "awaitThreads"), engine.steps);
    }

    @Test
    void aHandedOverListenerLetsConnectionsFinishBeforeTheirInputEnds() {
        Recorder engine = new Recorder();
        engine.handedOver = true;
        engine.finishOnTheirOwn = true;
        assertTrue(GracefulStop.run(Duration.ofSeconds(5), engine));
        assertEquals(List.of("stopAccepting", "awaitConnections", "endInput", "awaitConnections", "awaitThreads"),
                engine.steps);
    }

    @Test
    void whatIsLeftAtTheEndOfTheGraceIsClosed() {
        Recorder engine = new Recorder();
        engine.stubborn = true;
        assertTrue(GracefulStop.run(Duration.ZERO, engine));
        assertEquals(List.of("stopAccepting", "endInput", "awaitConnections", "closeAll", "awaitThreads"), engine.steps);
        assertEquals(0, engine.open);
    }

    @Test
    void reportsThreadsThatDidNotEnd() {
        Recorder engine = new Recorder();
        engine.threadsEnd = false;
        assertFalse(GracefulStop.run(Duration.ofSeconds(1), engine));
    }

    @Test
    void connectionsShareTheGraceDeadlineAndThreadsGetAfterCloseMore() {
        Recorder engine = new Recorder();
        engine.handedOver = true;
        long before = System.nanoTime();
        GracefulStop.run(Duration.ofSeconds(30), engine);
        long after = System.nanoTime();
        long grace = engine.deadlines.get(0);
        assertTrue(grace - before >= Duration.ofSeconds(30).toNanos() && grace - after <= Duration.ofSeconds(30).toNanos(),
                "the grace deadline is 30 s from the start");
        assertEquals(grace, engine.deadlines.get(1), "the wait for handed-over connections ends with the grace");
        assertEquals(grace, engine.deadlines.get(2), "so does the wait after their input ended");
        long threads = engine.deadlines.get(3);
        assertTrue(threads - before >= GracefulStop.AFTER_CLOSE.toNanos() && threads < grace,
                "threads get AFTER_CLOSE from when the connections were done, not the rest of the grace");
    }
}
