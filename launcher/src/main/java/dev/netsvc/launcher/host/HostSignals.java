package dev.netsvc.launcher.host;

import dev.netsvc.launcher.text.PlainCause;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The signals an operator sends to a running host. SIGINT and SIGTERM stop it (a second one forces the
 * exit); SIGHUP reloads the configuration, as {@code netsvc reload} does; SIGUSR1 writes the status
 * table to the log, as xinetd does. SIGUSR2 is left to the JVM, which uses it to suspend threads (JFR's
 * and other profilers' sampling): a handler of ours took those signals away and sampling saw almost
 * nothing; sent from outside it does nothing. No signal ends the host without a line in the log. Handling them ourselves (instead of a shutdown hook) lets netsvc stop its
 * services on the main thread and exit with status 0.
 */
public final class HostSignals {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<String> stopSignal = new AtomicReference<>();
    private final AtomicReference<Host> host = new AtomicReference<>();
    // one at a time and off the signal dispatcher's thread: a reload can take the grace period
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("signals").daemon(true).unstarted(r));

    /** Installs the handlers; the host is attached once it has launched (until then HUP/USR1 are logged). */
    @SuppressWarnings("removal")
    public static HostSignals install() {
        HostSignals signals = new HostSignals();
        for (String sig : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> signals.onStop("SIG" + s.getName()));
        }
        for (String sig : new String[] {"HUP", "USR1"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> signals.worker.execute(() -> signals.on("SIG" + s.getName())));
            } catch (IllegalArgumentException e) {
                log.warn("cannot handle SIG{} on this platform: {}", sig, e.getMessage());
            }
        }
        return signals;
    }

    public void attach(Host running) {
        host.set(running);
    }

    private void onStop(String signalName) {
        if (!stopSignal.compareAndSet(null, signalName)) {
            System.err.println("netsvc: " + signalName + " again, exiting without waiting");
            Runtime.getRuntime().halt(130);
        }
        stop.countDown();
    }

    private void on(String signalName) {
        Host h = host.get();
        if (h == null || stopSignal.get() != null) {
            log.info("{} ignored: netsvc is {}", signalName, h == null ? "still starting" : "stopping");
            return;
        }
        try {
            switch (signalName) {
                case "SIGHUP" -> {
                    log.info("SIGHUP: reloading the configuration");
                    h.reload(); // logs what changed, or the refusal in one line
                }
                case "SIGUSR1" -> log.info("SIGUSR1: status\n{}", h.statusDump().stripTrailing());
                default -> log.info("{} ignored (SIGHUP reloads, SIGUSR1 logs the status, SIGTERM stops)", signalName);
            }
        } catch (RuntimeException e) {
            log.error("{} failed: {}", signalName, PlainCause.of(e));
        }
    }

    /** Blocks until SIGINT or SIGTERM arrives; returns its name, e.g. {@code SIGTERM}. */
    public String awaitStop() throws InterruptedException {
        stop.await();
        return stopSignal.get();
    }
}
