package dev.netsvc.exec;

import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.net.GracefulStop;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The programs of one exec service that are running (or whose leftovers are being ended), and the one
 * timer that ends them: a {@link DeadlineSweep} on the service's clock ends a program at its timeout,
 * when its connection was closed under it (the idle timeout), and sends SIGKILL once SIGTERM's grace is
 * over. It also keeps the counters: running now, started, ended by reason, killed.
 */
final class Programs {

    private final Clock clock;
    private final Set<Program> running = ConcurrentHashMap.newKeySet();
    private final DeadlineSweep<Program> sweep;
    private final ServiceCounters counters;
    private final LongAdder runningNow;
    private final LongAdder started;
    private final LongAdder killed;

    /** @param shortest the shortest timeout of the service's programs (the sweep's tick is a tenth of it) */
    Programs(ServiceContext context, Duration shortest) {
        this.clock = context.clock();
        this.counters = context.counters();
        this.runningNow = counters.counter(Counters.EXEC_PROGRAMS_RUNNING);
        this.started = counters.counter(Counters.EXEC_PROGRAMS_STARTED);
        this.killed = counters.counter(Counters.EXEC_PROGRAMS_KILLED);
        counters.counter(Counters.EXEC_PROGRAMS_NOT_STARTED);
        counters.counter(Counters.EXEC_PROGRAMS_ENDED.member("exit"));
        // a tick of at most a quarter of SIGTERM's grace, so SIGKILL comes on time
        Duration tick = DeadlineSweep.tickFor(shortest);
        Duration quarter = Duration.ofMillis(Program.TERM_GRACE_MILLIS / 4);
        this.sweep = DeadlineSweep.start(context.serviceId() + "-programs", clock, tick.compareTo(quarter) < 0 ? tick : quarter,
                running, Program::deadline, p -> p.expire(clock.millis()));
    }

    long now() {
        return clock.millis();
    }

    /** A program started: watched from now on. */
    void add(Program program) {
        started.increment();
        runningNow.increment();
        running.add(program);
    }

    /** A program and everything it left have gone: counted by how it ended. */
    void remove(Program program) {
        if (running.remove(program)) {
            runningNow.decrement();
            counters.counter(Counters.EXEC_PROGRAMS_ENDED.member(program.endReason())).increment();
            if (program.wasKilled()) {
                killed.increment();
            }
            if (program.wasNotExecuted()) {
                counters.counter(Counters.EXEC_PROGRAMS_NOT_STARTED).increment();
            }
            GracefulStop.removed(running);
        }
    }

    int size() {
        return running.size();
    }

    /**
     * The service is stopping with its grace ending at {@code deadlineNanos} ({@link System#nanoTime}, as
     * every stop's deadlines: a stop must end while a test's clock stands still). The engine has ended every
     * connection's input, which ends most programs; those still running a little before the deadline get
     * SIGTERM, and SIGKILL at the deadline, so their connections' threads can end right after it.
     */
    void stop(long deadlineNanos) {
        long termAt = deadlineNanos - Duration.ofMillis(Program.TERM_GRACE_MILLIS).toNanos();
        if (!GracefulStop.awaitEmpty(running, termAt)) {
            running.forEach(p -> p.terminate("shutdown", clock.millis()));
            if (!GracefulStop.awaitEmpty(running, deadlineNanos)) {
                running.forEach(Program::kill);
            }
        }
    }

    /** Waits for the programs' handlers to take them off until {@code deadlineNanos}; stops the sweep. */
    boolean close(long deadlineNanos) {
        boolean empty = GracefulStop.awaitEmpty(running, deadlineNanos);
        sweep.stop();
        return empty;
    }
}
