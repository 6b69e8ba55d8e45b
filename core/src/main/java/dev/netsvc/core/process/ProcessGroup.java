package dev.netsvc.core.process;

import dev.netsvc.core.internal.NativeCalls;

import java.lang.invoke.MethodHandle;

/**
 * The process group a program leads: the program, started as the leader of a session of its own
 * ({@link Spawner}, or {@code setsid}), and every process it starts, even one that left its process tree
 * (a child whose parent exited is adopted by init, but stays in the group). Java's {@link Process} cannot
 * start a program in a group of its own nor signal a group, so the caller starts it through
 * {@link Spawner} or {@code setsid} and signals it here: {@code kill(-pgid, sig)} through the C library
 * ({@link #reachesWholeGroup()}).
 *
 * <p>Without the C library's {@code kill} (Java 21, or a JVM without native access) a signal reaches the
 * leader and its descendants through {@link ProcessHandle} instead: what left the tree is missed, and
 * once the leader has exited nothing is reached. {@link #whyNot()} says so in words.
 */
public final class ProcessGroup {

    /** The signals a service sends its programs. */
    public enum Signal {
        /** Asks the program to end (SIGTERM, 15). */
        TERM(15),
        /** Ends it (SIGKILL, 9). */
        KILL(9);

        final int number;

        Signal(int number) {
            this.number = number;
        }
    }

    private static final Kill KILL = Kill.lookUp();

    private final long pgid;
    private final ProcessHandle leader;

    private ProcessGroup(ProcessHandle leader) {
        this.pgid = leader.pid();
        this.leader = leader;
    }

    /**
     * The group {@code leader} leads. The caller must have started it as a group leader ({@code setsid}):
     * its pid is then the group's id.
     *
     * @throws IllegalArgumentException for pid 1 or less, this process or this process's own group, which
     *                                  no service may signal
     */
    public static ProcessGroup ledBy(ProcessHandle leader) {
        long pid = leader.pid();
        if (pid <= 1 || pid == ProcessHandle.current().pid() || (KILL != null && pid == KILL.ownGroup)) {
            throw new IllegalArgumentException("process " + pid + " leads no group a service may signal");
        }
        return new ProcessGroup(leader);
    }

    /** The group's id: its leader's pid. */
    public long id() {
        return pgid;
    }

    /**
     * Sends {@code signal} to every process of the group (see the class comment for what is reached
     * without the C library); returns false when no process was there to get it.
     */
    public boolean signal(Signal signal) {
        if (KILL != null) {
            return KILL.kill(-pgid, signal.number);
        }
        boolean any = false;
        for (ProcessHandle p : (Iterable<ProcessHandle>) leader.descendants()::iterator) {
            any |= signal == Signal.KILL ? p.destroyForcibly() : p.destroy();
        }
        if (leader.isAlive()) {
            any |= signal == Signal.KILL ? leader.destroyForcibly() : leader.destroy();
        }
        return any;
    }

    /** Whether a signal reaches every process of the group (else: the leader and its descendants only). */
    public static boolean reachesWholeGroup() {
        return KILL != null;
    }

    /** Why {@link #reachesWholeGroup()} is false, in words, for the one line a service logs about it. */
    public static String whyNot() {
        return "the C library's kill() is not available (" + NativeCalls.whyNot() + "), so a program's signals reach"
                + " only it and its descendants, not a process that left its tree";
    }

    @Override
    public String toString() {
        return "process group " + pgid;
    }

    /** {@code kill(2)} and this process's own group, looked up once. */
    private static final class Kill {
        private final MethodHandle kill;
        final long ownGroup;

        private Kill(MethodHandle kill, long ownGroup) {
            this.kill = kill;
            this.ownGroup = ownGroup;
        }

        static Kill lookUp() {
            NativeCalls calls = NativeCalls.get().orElse(null);
            if (calls == null) {
                return null;
            }
            try {
                MethodHandle kill = calls.function("kill", calls.cInt(), calls.cInt(), calls.cInt());
                MethodHandle getpgrp = calls.function("getpgrp", calls.cInt());
                return new Kill(kill, (int) getpgrp.invoke());
            } catch (Throwable e) {
                return null;
            }
        }

        boolean kill(long pid, int signal) {
            try {
                return (int) kill.invoke((int) pid, signal) == 0;
            } catch (Throwable e) {
                return false;
            }
        }
    }
}
