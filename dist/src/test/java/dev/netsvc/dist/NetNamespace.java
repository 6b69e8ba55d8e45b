package dev.netsvc.dist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace of the test's own ({@code ip netns add}), with its loopback up: a world where fixed
 * ports are free and sysctls such as {@code net.ipv4.tcp_migrate_req} can be set without touching the
 * machine's. Processes enter it through {@link #wrapper()}.
 */
final class NetNamespace implements AutoCloseable {

    private static final Duration T = Duration.ofSeconds(30);

    private final String ip;
    private final String name;

    private NetNamespace(String ip, String name) {
        this.ip = ip;
        this.name = name;
    }

    /** A fresh namespace with {@code sysctls} ({@code key=value}) set in it. */
    static NetNamespace create(String... sysctls) {
        String ip = Tools.require("ip");
        String name = "netsvc-it-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1 << 20);
        DistProcess.Result added = Tools.run(T, new byte[0], ip, "netns", "add", name);
        Tools.requireThat(added.exitCode() == 0, "a network namespace of the test's own needs root: " + added.stderr().strip());
        NetNamespace ns = new NetNamespace(ip, name);
        ns.run("ip", "link", "set", "lo", "up");
        for (String s : sysctls) {
            ns.run("sysctl", "-q", "-w", s);
        }
        return ns;
    }

    /** The command prefix that runs a program in this namespace. */
    List<String> wrapper() {
        return List.of(ip, "netns", "exec", name);
    }

    /** Runs {@code command} in this namespace to completion; fails unless it exits 0. */
    DistProcess.Result run(String... command) {
        List<String> all = new ArrayList<>(wrapper());
        all.addAll(Arrays.asList(command));
        DistProcess.Result r = Tools.run(T, new byte[0], all.toArray(String[]::new));
        check(r, String.join(" ", command));
        return r;
    }

    /** A process started in this namespace, its output merged. */
    ProcessBuilder process(String... command) {
        List<String> all = new ArrayList<>(wrapper());
        all.addAll(Arrays.asList(command));
        return new ProcessBuilder(all).redirectErrorStream(true);
    }

    private static void check(DistProcess.Result r, String what) {
        if (r.exitCode() != 0) {
            throw new AssertionError(what + " exited " + r.exitCode() + ": " + r.stdout() + r.stderr());
        }
    }

    @Override
    public void close() {
        Tools.run(T, new byte[0], ip, "netns", "delete", name);
    }
}
