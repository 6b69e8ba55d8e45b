package dev.netsvc.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, instead of sleeping and hoping. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} until it holds, or fails with {@code what} after {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(pauseMillis); // polling interval of a deadline-bounded wait, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            pauseMillis = Math.min(50, pauseMillis * 2);
        }
    }

    /** Like {@link #until} with a message computed when it fails (for example the last value seen). */
    public static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        try {
            until(timeout, "", condition);
        } catch (AssertionError e) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get(), e);
        }
    }
}
