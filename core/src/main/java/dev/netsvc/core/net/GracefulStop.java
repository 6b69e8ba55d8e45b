package dev.netsvc.core.net;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The order in which every TCP engine stops, and its deadlines: stop accepting; if the listening socket
 * was handed over to a new version of the plugin, let the connections finish on their own first (a
 * keep-alive client mid-request or an echo client mid-stream would otherwise be cut short); end every
 * connection's input so each finishes what it has and closes; at the end of the grace close what is
 * left; then give the threads {@link #AFTER_CLOSE} to end. How each step is done is the engine's own
 * (threads per connection, event loops, a channel group). The deadlines are {@link System#nanoTime}
 * values, not the service's clock: they bound real waits for threads, and a stop must end even while a
 * test's manual clock stands still.
 */
public final class GracefulStop {

    /** How long threads get to end once what was left at the end of the grace has been closed. */
    public static final Duration AFTER_CLOSE = Duration.ofSeconds(1);

    /** An engine's steps; {@link #run} calls each once, in order, except {@link #awaitConnections}. */
    public interface Steps {
        /**
         * Stops taking new connections (one already accepted is served). Returns true if the listening
         * socket went on to a new version of the plugin, which serves new clients from now on.
         */
        boolean stopAccepting(long graceDeadlineNanos);

        /** Ends every connection's input: each finishes what it has (answers, echoes) and closes. */
        void endInput();

        /** Waits until every connection has ended or the deadline passes; true if none is left. */
        boolean awaitConnections(long deadlineNanos);

        /** The grace is over: closes every connection still open. */
        void closeAll();

        /** Waits for the engine's threads to end; true if they did by the deadline. */
        boolean awaitThreads(long deadlineNanos);
    }

    /**
     * The steps of an engine that keeps its open connections in a concurrent set, each of which ends on
     * its own once its input ends (a thread per connection, a channel's completion handlers), and that
     * times them out with a {@link DeadlineSweep}. The engine says how to stop accepting, end one
     * connection's input and close one; whoever removes a connection from the set calls {@link #removed}.
     */
    public abstract static class ConnectionSet<C> implements Steps {
        private final Set<C> open;
        private final DeadlineSweep<?> sweep;

        protected ConnectionSet(Set<C> open, DeadlineSweep<?> sweep) {
            this.open = open;
            this.sweep = sweep;
        }

        /** Ends {@code connection}'s input: it finishes what it has and closes. */
        protected abstract void endInput(C connection);

        /** Closes {@code connection} now. */
        protected abstract void close(C connection);

        @Override
        public void endInput() {
            sweep.stop(); // only now: during a handover's drain it still closed idle connections
            open.forEach(this::endInput);
        }

        @Override
        public boolean awaitConnections(long deadlineNanos) {
            return awaitEmpty(open, deadlineNanos);
        }

        @Override
        public void closeAll() {
            open.forEach(this::close);
        }

        /** By default the connections are the threads: waits for the set to empty. */
        @Override
        public boolean awaitThreads(long deadlineNanos) {
            return awaitConnections(deadlineNanos);
        }
    }

    private GracefulStop() {
    }

    /**
     * For engines that keep their open connections in a concurrent set: waits until {@code open} is empty
     * or the deadline ({@link System#nanoTime}) passes; true if it is empty. Whoever removes a connection
     * calls {@link #removed}.
     */
    public static boolean awaitEmpty(Set<?> open, long deadlineNanos) {
        synchronized (open) {
            long left;
            while (!open.isEmpty() && (left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(open, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return open.isEmpty();
        }
    }

    /** A connection left {@code open}: wakes {@link #awaitEmpty} once it is empty. */
    public static void removed(Set<?> open) {
        if (open.isEmpty()) {
            synchronized (open) {
                open.notifyAll();
            }
        }
    }

    /** Runs {@code steps} within {@code grace}; returns false if threads were still running at the end. */
    public static boolean run(Duration grace, Steps steps) {
        long deadline = System.nanoTime() + grace.toNanos();
        if (steps.stopAccepting(deadline)) {
            steps.awaitConnections(deadline);
        }
        steps.endInput();
        if (!steps.awaitConnections(deadline)) {
            steps.closeAll();
        }
        return steps.awaitThreads(System.nanoTime() + AFTER_CLOSE.toNanos());
    }
}
