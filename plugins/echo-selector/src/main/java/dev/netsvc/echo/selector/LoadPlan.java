package dev.netsvc.echo.selector;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What one {@code netsvc bench echo} run does: {@code connections} connections, each sending a
 * {@code size}-byte message, waiting for the whole echo, then sending the next; {@code messages} in
 * total, or as many as fit in {@code duration} when that is set. The first {@code warmup} is not
 * measured. {@code timeout} bounds connecting and any wait for an echo.
 */
record LoadPlan(InetSocketAddress target, int connections, long messages, Duration duration, int size,
                Duration warmup, Duration timeout) {

    LoadPlan {
        if (connections < 1 || size < 1 || messages < 1) {
            throw new IllegalArgumentException("connections, size and messages must be at least 1");
        }
    }

    boolean timed() {
        return duration != null;
    }
}
