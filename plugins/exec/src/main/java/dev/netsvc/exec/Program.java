package dev.netsvc.exec;

import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.process.ProcessGroup;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One program an exec service started, and how it ends. It is the leader of a process group of its own
 * ({@link ProgramStarter}), so ending it ends every process it started: SIGTERM to the group,
 * then SIGKILL {@link #TERM_GRACE} later to whatever is left ({@link Programs}' sweep does that, on the
 * service's clock). When the program exits on its own, what it left behind gets the same.
 *
 * <p>States, as the sweep sees them:
 * <pre>
 *   running ──(exits)────────────────────────────► exited ──(group empty, or TERM then KILL)──► gone
 *      │                                                      ▲
 *      └──(ended: client gone, timeout, closed, stop)──► terminating ──(TERM_GRACE: KILL)──┘
 * </pre>
 */
final class Program {

    /** How long a program (or what it left behind) has between SIGTERM and SIGKILL. */
    static final long TERM_GRACE_MILLIS = 1000;
    private static final long STACK = 256 * 1024;

    final Process process;
    private final ProcessGroup group; // null when started without setsid: signals then reach the process tree
    private final boolean pipesPark;
    final long startedAt;
    private final long endBy;
    private final BooleanSupplier closedUnder;
    private final AtomicReference<String> endedFor = new AtomicReference<>();
    /** When SIGKILL is due (clock millis), or {@link DeadlineSweep#NONE}. */
    private volatile long killAt = DeadlineSweep.NONE;
    private volatile boolean killed;
    private volatile boolean notExecuted;

    /**
     * @param pipesPark   whether a virtual thread waiting on its pipes parks (they are channels: {@code
     *                    Spawner}'s), rather than holding its carrier (the JDK's {@link ProcessBuilder} streams)
     * @param endBy       when the program must end (clock millis; its timeout), or {@link DeadlineSweep#NONE}
     * @param closedUnder whether the client's connection was closed under the program (idle timeout, the
     *                    host); false for a datagram's program
     */
    Program(Process process, boolean leadsGroup, boolean pipesPark, long startedAt, long endBy, BooleanSupplier closedUnder) {
        this.process = process;
        this.group = leadsGroup ? ProcessGroup.ledBy(process.toHandle()) : null;
        this.pipesPark = pipesPark;
        this.startedAt = startedAt;
        this.endBy = endBy;
        this.closedUnder = closedUnder;
    }

    long pid() {
        return process.pid();
    }

    /**
     * A thread that copies to or from this program's pipes: a virtual one when waiting on them parks, else
     * a platform one (with a small stack), since a blocked read would hold a virtual thread's carrier.
     */
    Thread.Builder copier(String name) {
        return pipesPark ? Thread.ofVirtual().name(name) : Thread.ofPlatform().name(name).daemon(true).stackSize(STACK);
    }

    /**
     * Ends the program for {@code reason} (a label of {@code exec.ended.*}): SIGTERM to its group now,
     * SIGKILL at {@code now + TERM_GRACE} if anything is left. Only the first reason counts.
     */
    void terminate(String reason, long now) {
        if (endedFor.compareAndSet(null, reason)) {
            killAt = now + TERM_GRACE_MILLIS;
            signal(ProcessGroup.Signal.TERM);
        }
    }

    /** The program exited: what it left in its group gets SIGTERM now, and SIGKILL later if still there. */
    void exited(long now) {
        if (group != null && group.signal(ProcessGroup.Signal.TERM) && killAt == DeadlineSweep.NONE) {
            killAt = now + TERM_GRACE_MILLIS;
        }
    }

    /** SIGKILL to the group, once its grace is over. */
    void kill() {
        killAt = DeadlineSweep.NONE;
        if (signal(ProcessGroup.Signal.KILL)) {
            killed = true;
        }
    }

    /**
     * The sweep's deadline (clock millis): SIGKILL's once the program exited or is being ended; else now if
     * the connection was closed under it, or its timeout.
     */
    long deadline() {
        if (endedFor.get() != null || !process.isAlive()) {
            return killAt;
        }
        return closedUnder.getAsBoolean() ? Long.MIN_VALUE : Math.min(killAt, endBy);
    }

    /** On the sweep's thread: what is due now is done (it must not block: signals only). */
    void expire(long now) {
        if (killAt <= now) {
            kill();
        } else if (endedFor.get() == null && process.isAlive()) {
            terminate(closedUnder.getAsBoolean() ? "connection-closed" : "timeout", now);
        }
    }

    private boolean signal(ProcessGroup.Signal signal) {
        if (group != null) {
            return group.signal(signal);
        }
        ProcessHandle leader = process.toHandle();
        boolean any = false;
        for (ProcessHandle child : (Iterable<ProcessHandle>) leader.descendants()::iterator) {
            any |= signal == ProcessGroup.Signal.KILL ? child.destroyForcibly() : child.destroy();
        }
        return (signal == ProcessGroup.Signal.KILL ? leader.destroyForcibly() : leader.destroy()) || any;
    }

    /** Why the service ended it ({@code timeout}, ...), or {@code exit} when it ended on its own. */
    String endReason() {
        String reason = endedFor.get();
        return reason == null ? "exit" : reason;
    }

    boolean wasKilled() {
        return killed;
    }

    /** The wrapper said it could not execute the program (its standard error's first line). */
    void notExecuted() {
        notExecuted = true;
    }

    boolean wasNotExecuted() {
        return notExecuted;
    }

    /** For the connection log: {@code pid 4711, exit 0}, and why the service ended it if it did. */
    String describe() {
        StringBuilder s = new StringBuilder("pid ").append(pid());
        if (process.isAlive()) {
            s.append(", still running");
        } else {
            s.append(", exit ").append(process.exitValue());
        }
        String reason = endedFor.get();
        if (reason != null) {
            s.append(", ended by netsvc (").append(reason).append(killed ? ", SIGKILL" : ", SIGTERM").append(')');
        }
        return s.toString();
    }

    /** Closes the three pipes (the process's exit closes them too; this is for the paths that never read them). */
    void closePipes() {
        closeQuietly(process.getOutputStream());
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // a pipe whose other end is gone: closed either way
        }
    }

    @Override
    public String toString() {
        return "program pid " + pid();
    }
}
