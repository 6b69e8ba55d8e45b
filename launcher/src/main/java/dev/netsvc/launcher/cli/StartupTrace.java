package dev.netsvc.launcher.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the start of {@code netsvc run} spends its time: bin/netsvc until it execs the JVM (the script
 * passes its start time when tracing), the JVM's own start until {@code main} (the JVM's start time),
 * then each phase (options and logging, plugins loaded, services started, with each service's own
 * start time: they start at the same time) with its duration. Logged in
 * one line to the logger {@code netsvc.startup} at debug, or at info with {@code -Dnetsvc.startup.trace=true}.
 * (The process's start instant from /proc is not used: its clock-tick arithmetic was seen hundreds of
 * milliseconds off.)
 */
final class StartupTrace {

    private static final Logger log = LoggerFactory.getLogger("netsvc.startup");
    /** Set as early as the class is loaded: the first thing {@link Main} does. */
    private static final long MAIN_NANOS = System.nanoTime();
    private static final long MAIN_MILLIS = System.currentTimeMillis();

    private final boolean on;
    private final boolean info;
    private final List<String> phases = new ArrayList<>();
    private long last = MAIN_NANOS;

    private StartupTrace(boolean info) {
        this.info = info;
        this.on = info || log.isDebugEnabled();
    }

    /** Touches the class so that {@link #MAIN_NANOS} is the time {@code main} began. */
    static void mainStarted() {
    }

    static StartupTrace begin() {
        return new StartupTrace(Boolean.getBoolean("netsvc.startup.trace"));
    }

    /** Ends the phase called {@code name}, which began when the previous one ended. */
    void phase(String name) {
        phase(name, () -> "");
    }

    /** Ends a phase, with {@code detail} (its parts' times; made only when tracing) after its duration. */
    void phase(String name, java.util.function.Supplier<String> detail) {
        if (on) {
            long now = System.nanoTime();
            String parts = detail.get();
            phases.add(name + " " + millis(now - last) + " ms" + (parts.isEmpty() ? "" : " (" + parts + ")"));
            last = now;
        }
    }

    /** Logs the phases, and the total from the process's start. */
    void report() {
        if (!on) {
            return;
        }
        long end = System.nanoTime(); // before the management bean, whose first use takes tens of ms
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        long scriptStart = Long.getLong("netsvc.startup.script", jvmStart);
        long total = MAIN_MILLIS - scriptStart + (end - MAIN_NANOS) / 1_000_000;
        String line = "start took " + total + " ms: "
                + (scriptStart < jvmStart ? "bin/netsvc " + (jvmStart - scriptStart) + " ms, " : "")
                + "JVM start to main " + (MAIN_MILLIS - jvmStart) + " ms, " + String.join(", ", phases);
        if (info) {
            log.info(line);
        } else {
            log.debug(line);
        }
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
