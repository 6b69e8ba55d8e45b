package dev.netsvc.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What /proc says about processes: zombies, open descriptors, whether one is still there. */
final class ProcFs {

    private ProcFs() {
    }

    /** Children of {@code parent} that exited and were never reaped (state Z). */
    static List<Long> zombieChildren(long parent) throws IOException {
        List<Long> zombies = new ArrayList<>();
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path dir : all.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(dir.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue; // gone meanwhile
                } catch (IOException e) {
                    continue;
                }
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'
                String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (rest[0].equals("Z") && Long.parseLong(rest[1]) == parent) {
                    zombies.add(Long.parseLong(dir.getFileName().toString()));
                }
            }
        }
        return zombies;
    }

    /** The open descriptors of {@code pid} that are pipes. */
    static long pipes(long pid) throws IOException {
        return descriptors(pid).stream().filter(t -> t.startsWith("pipe:")).count();
    }

    /** What each open descriptor of {@code pid} is ({@code pipe:[123]}, {@code socket:[456]}, a path). */
    static List<String> descriptors(long pid) throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return targets;
    }

    /** Whether process {@code pid} has gone (or is a zombie nobody will wait for). */
    static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }
}
