package dev.netsvc.core.process;

import dev.netsvc.core.internal.NativeCalls;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a program with one {@code posix_spawn(3)}: one execution, where Java's {@link ProcessBuilder} takes
 * two (its helper, then the program) and a third to give the program a process group of its own
 * ({@code setsid}). The program
 * <ul>
 *   <li>leads a session and process group of its own ({@code POSIX_SPAWN_SETSID}), so
 *       {@link ProcessGroup#ledBy} reaches everything it starts;</li>
 *   <li>starts with no signal blocked and every signal at its default ({@code POSIX_SPAWN_SETSIGMASK},
 *       {@code POSIX_SPAWN_SETSIGDEF}): nothing of the JVM's signal state reaches it;</li>
 *   <li>has three pipes on its descriptors 0, 1 and 2 and nothing else: the JDK does not open its sockets
 *       close-on-exec, and a program must never hold a listening socket or another client's connection
 *       ({@code posix_spawn_file_actions_addclosefrom_np(3)});</li>
 *   <li>gets exactly the environment given, in the folder given.</li>
 * </ul>
 * The pipes' own ends are the JDK's {@link Pipe} channels, so a virtual thread that waits on one parks
 * instead of holding its carrier. The program is this process's child, reaped as soon as it exits
 * ({@link SpawnedProcess}): no zombie stays.
 *
 * <p>It takes glibc 2.34 or later and what {@link NativeCalls} takes (Java 22+, native access, {@code
 * sun.nio.ch} exported for the pipes' descriptors); {@link #get()} is empty without them and {@link
 * #whyNot()} says why, and the caller starts programs through {@link ProcessBuilder} instead.
 */
public final class Spawner {

    private static final Object LOOKED_UP = lookUp(); // the Spawner, or why not (a String)

    private final SpawnCalls calls;

    private Spawner(SpawnCalls calls) {
        this.calls = calls;
    }

    /** The spawner, where this C library and this JVM's options allow it. */
    public static Optional<Spawner> get() {
        return LOOKED_UP instanceof Spawner s ? Optional.of(s) : Optional.empty();
    }

    /** Why {@link #get()} is empty, in words, for the one line a caller says about doing without. */
    public static String whyNot() {
        return LOOKED_UP instanceof String why ? why : "it is available";
    }

    private static Object lookUp() {
        NativeCalls c = NativeCalls.get().orElse(null);
        if (c == null) {
            return NativeCalls.whyNot();
        }
        try {
            SpawnCalls calls = SpawnCalls.lookUp(c);
            Pipe probe = Pipe.open();
            try (Channel source = probe.source(); Channel sink = probe.sink()) {
                if (c.descriptor(source).isEmpty() || c.descriptor(sink).isEmpty()) {
                    return "it takes the JVM option --add-exports=java.base/sun.nio.ch=ALL-UNNAMED (bin/netsvc run passes it)";
                }
            }
            return new Spawner(calls);
        } catch (ReflectiveOperationException e) {
            return "the C library lacks " + e.getMessage().replace("no C function ", "")
                    + " (glibc 2.34 or later has every function it takes)";
        } catch (IOException | RuntimeException e) {
            return "it failed to set up: " + e;
        }
    }

    /**
     * Starts {@code command} (its first word the program's absolute path, the rest its arguments) in
     * {@code directory} with exactly {@code environment}.
     *
     * @throws IOException when it cannot be started, with the cause in words: the program is missing or not
     *                     executable, the system is out of processes, ...
     */
    public Process start(List<String> command, Map<String, String> environment, Path directory) throws IOException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no program to start: the command is empty");
        }
        List<String> env = new ArrayList<>(environment.size());
        environment.forEach((name, value) -> env.add(name + "=" + value));
        for (List<String> strings : List.of(command, env, List.of(directory.toString()))) {
            for (String s : strings) {
                if (s.indexOf('\0') >= 0) {
                    throw new IOException("'" + s.replace('\0', '?') + "' holds a NUL character, which no C string can");
                }
            }
        }
        Pipe in = Pipe.open();
        Pipe out = null;
        Pipe err = null;
        try {
            out = Pipe.open();
            err = Pipe.open();
            int pid = spawn(command, env, directory, descriptor(in.source()), descriptor(out.sink()), descriptor(err.sink()));
            closeChildEnds(in, out, err);
            return SpawnedProcess.reaped(pid, calls, in.sink(), out.source(), err.source());
        } catch (IOException | RuntimeException e) {
            for (Pipe pipe : new Pipe[] {in, out, err}) {
                if (pipe != null) {
                    closeQuietly(pipe.source());
                    closeQuietly(pipe.sink());
                }
            }
            throw e;
        }
    }

    // the child has its own copies of these now: ours must go, or the program's output would never end
    private static void closeChildEnds(Pipe in, Pipe out, Pipe err) throws IOException {
        in.source().close();
        out.sink().close();
        err.sink().close();
    }

    private int descriptor(Channel channel) throws IOException {
        int fd = calls.c().descriptor(channel).orElseThrow(() -> new IOException("a pipe's descriptor cannot be read"));
        if (fd < 3) { // file actions run in order: a dup2 onto 0..2 would overwrite it before its own dup2
            throw new IOException("a pipe got descriptor " + fd + ": netsvc was started with its standard input, output"
                    + " or error closed; start it with them open (to /dev/null, say)");
        }
        return fd;
    }

    private int spawn(List<String> command, List<String> env, Path directory, int stdin, int stdout, int stderr)
            throws IOException {
        SpawnCalls f = calls;
        try (NativeCalls.Scope scope = calls.c().scope()) {
            Object actions = scope.allocate(SpawnCalls.ACTIONS_SIZE);
            Object attr = scope.allocate(SpawnCalls.ATTR_SIZE);
            check(f.call(f.actionsInit(), actions), "posix_spawn_file_actions_init");
            try {
                check(f.call(f.attrInit(), attr), "posix_spawnattr_init");
                try {
                    check(f.call(f.addDup2(), actions, stdin, 0), "adddup2");
                    check(f.call(f.addDup2(), actions, stdout, 1), "adddup2");
                    check(f.call(f.addDup2(), actions, stderr, 2), "adddup2");
                    check(f.call(f.addChdir(), actions, scope.string(directory.toString())), "addchdir_np");
                    check(f.call(f.addCloseFrom(), actions, 3), "addclosefrom_np");
                    Object empty = scope.allocate(SpawnCalls.SIGSET_SIZE);
                    Object all = scope.allocate(SpawnCalls.SIGSET_SIZE);
                    f.call(f.sigEmptySet(), empty);
                    f.call(f.sigFillSet(), all);
                    check(f.call(f.setSigMask(), attr, empty), "setsigmask");
                    check(f.call(f.setSigDefault(), attr, all), "setsigdefault");
                    check(f.call(f.setFlags(), attr, (short) (SpawnCalls.POSIX_SPAWN_SETSID | SpawnCalls.POSIX_SPAWN_SETSIGMASK
                            | SpawnCalls.POSIX_SPAWN_SETSIGDEF)), "setflags");
                    Object pid = scope.allocate(4);
                    int rc = f.call(f.spawn(), pid, scope.string(command.get(0)), actions, attr, strings(scope, command),
                            strings(scope, env));
                    if (rc != 0) {
                        throw new IOException(SpawnCalls.words(rc));
                    }
                    return calls.c().getInt(pid, 0);
                } finally {
                    f.call(f.attrDestroy(), attr);
                }
            } finally {
                f.call(f.actionsDestroy(), actions);
            }
        }
    }

    private static Object strings(NativeCalls.Scope scope, List<String> strings) {
        List<Object> pointers = new ArrayList<>(strings.size());
        for (String s : strings) {
            pointers.add(scope.string(s));
        }
        return scope.pointers(pointers);
    }

    // the setup functions fail only for want of memory
    private static void check(int rc, String what) throws IOException {
        if (rc != 0) {
            throw new IOException("posix_spawn's " + what + " failed: " + SpawnCalls.words(rc));
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed either way
        }
    }
}
