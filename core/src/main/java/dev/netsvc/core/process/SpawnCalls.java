package dev.netsvc.core.process;

import dev.netsvc.core.internal.NativeCalls;

import java.lang.invoke.MethodHandle;

/**
 * The C library's functions a {@link Spawner} calls, looked up once: {@code posix_spawn(3)} with its file
 * actions and attributes, {@code waitid}, {@code waitpid} and {@code kill}. Sizes are glibc's on 64-bit
 * Linux, rounded up: the {@code init} functions fill in the structures, so more room than needed is harmless.
 */
record SpawnCalls(NativeCalls c, MethodHandle spawn, MethodHandle actionsInit, MethodHandle actionsDestroy,
                  MethodHandle addDup2, MethodHandle addChdir, MethodHandle addCloseFrom, MethodHandle attrInit,
                  MethodHandle attrDestroy, MethodHandle setFlags, MethodHandle setSigMask, MethodHandle setSigDefault,
                  MethodHandle sigEmptySet, MethodHandle sigFillSet, MethodHandle waitid, MethodHandle waitpid,
                  MethodHandle kill) {

    /** {@code posix_spawn_file_actions_t} is 80 bytes. */
    static final long ACTIONS_SIZE = 128;
    /** {@code posix_spawnattr_t} is 336 bytes. */
    static final long ATTR_SIZE = 512;
    /** {@code sigset_t} is 128 bytes. */
    static final long SIGSET_SIZE = 128;
    /** {@code siginfo_t} is 128 bytes. */
    static final long SIGINFO_SIZE = 128;

    static final int POSIX_SPAWN_SETSIGDEF = 0x04;
    static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    /** glibc 2.26: the child calls setsid() before it executes the program. */
    static final int POSIX_SPAWN_SETSID = 0x80;

    static final int P_PID = 1;
    static final int WEXITED = 4;
    static final int WNOWAIT = 0x01000000;

    /** The functions, or a {@link ReflectiveOperationException} naming the first one this C library lacks. */
    static SpawnCalls lookUp(NativeCalls c) throws ReflectiveOperationException {
        Object i = c.cInt();
        Object p = c.pointer();
        return new SpawnCalls(c,
                c.function("posix_spawn", i, p, p, p, p, p, p),
                c.function("posix_spawn_file_actions_init", i, p),
                c.function("posix_spawn_file_actions_destroy", i, p),
                c.function("posix_spawn_file_actions_adddup2", i, p, i, i),
                c.function("posix_spawn_file_actions_addchdir_np", i, p, p), // glibc 2.29
                c.function("posix_spawn_file_actions_addclosefrom_np", i, p, i), // glibc 2.34
                c.function("posix_spawnattr_init", i, p),
                c.function("posix_spawnattr_destroy", i, p),
                c.function("posix_spawnattr_setflags", i, p, c.cShort()),
                c.function("posix_spawnattr_setsigmask", i, p, p),
                c.function("posix_spawnattr_setsigdefault", i, p, p),
                c.function("sigemptyset", i, p),
                c.function("sigfillset", i, p),
                c.function("waitid", i, i, i, p, i),
                c.function("waitpid", i, i, p, i),
                c.function("kill", i, i, i));
    }

    /** What {@code posix_spawn} returned, in plain words ({@code errno} names for the rest). */
    static String words(int errno) {
        return switch (errno) {
            case 1 -> "operation not permitted (EPERM)";
            case 2 -> "no such file: the program, its #! interpreter or the working folder is missing (ENOENT)";
            case 7 -> "its arguments and environment are too long (E2BIG)";
            case 8 -> "it is not a program this system can run: no #! line, or another machine's (ENOEXEC)";
            case 11 -> "the system or this user is out of processes (EAGAIN)";
            case 12 -> "out of memory (ENOMEM)";
            case 13 -> "permission denied: it is not executable, or a folder on its path is not searchable (EACCES)";
            case 20 -> "a part of its path is not a folder (ENOTDIR)";
            case 21 -> "it is a folder (EISDIR)";
            case 23, 24 -> "too many open files (" + (errno == 23 ? "ENFILE" : "EMFILE") + ")";
            case 26 -> "the file is open for writing (ETXTBSY)";
            case 36 -> "its path is too long (ENAMETOOLONG)";
            case 40 -> "too many symbolic links on its path (ELOOP)";
            default -> "error " + errno;
        };
    }

    int call(MethodHandle function, Object... arguments) {
        try {
            return (int) function.invokeWithArguments(arguments);
        } catch (Throwable e) {
            throw new IllegalStateException("a call into the C library failed: " + e, e);
        }
    }
}
