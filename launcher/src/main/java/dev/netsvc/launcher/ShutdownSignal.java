package dev.netsvc.launcher;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits for SIGINT or SIGTERM. Handling the signals (instead of a shutdown hook) lets netsvc stop its
 * services on the main thread and exit with status 0; a second signal while stopping forces the exit.
 */
final class ShutdownSignal {

    private final CountDownLatch received = new CountDownLatch(1);
    private final AtomicReference<String> name = new AtomicReference<>();

    /** Installs the handlers; the returned object reports the first signal. */
    @SuppressWarnings("removal")
    static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        for (String sig : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> signal.onSignal("SIG" + s.getName()));
        }
        return signal;
    }

    private void onSignal(String signalName) {
        if (!name.compareAndSet(null, signalName)) {
            System.err.println("netsvc: " + signalName + " again, exiting without waiting");
            Runtime.getRuntime().halt(130);
        }
        received.countDown();
    }

    /** Blocks until a signal arrives; returns its name, e.g. {@code SIGTERM}. */
    String await() throws InterruptedException {
        received.await();
        return name.get();
    }
}
