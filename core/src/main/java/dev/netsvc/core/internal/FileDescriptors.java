package dev.netsvc.core.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How many files the process may open (the soft {@code RLIMIT_NOFILE}, what {@code ulimit -n} shows),
 * and whether the services' connection limits fit in it.
 */
public final class FileDescriptors {

    /**
     * Descriptors the host needs besides connections: listening sockets, plugin jars, selectors, log
     * files, the JVM's own.
     */
    public static final int RESERVE = 128;

    private FileDescriptors() {
    }

    /** The process's soft limit on open files, when the platform tells it (Unix). */
    public static OptionalLong limit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return max > 0 ? OptionalLong.of(max) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /**
     * A warning when {@code maxConnections} (service id to its {@code max-connections}) plus
     * {@link #RESERVE} add up to more than {@code limit}; empty when they fit.
     */
    public static Optional<String> checkBudget(Map<String, Integer> maxConnections, long limit) {
        long total = 0;
        StringBuilder each = new StringBuilder();
        for (Map.Entry<String, Integer> e : maxConnections.entrySet()) {
            total += e.getValue();
            each.append(each.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        long needed = total + RESERVE;
        if (needed <= limit) {
            return Optional.empty();
        }
        return Optional.of("the enabled services may hold " + total + " connections (max-connections: " + each
                + ") but this process may open only " + limit + " files; at the limit accepts fail with "
                + "'too many open files'. Raise it to at least " + needed + " ('ulimit -n " + needed
                + "' before starting netsvc, or LimitNOFILE=" + needed + " in its systemd unit), or lower "
                + "<id>.max-connections");
    }
}
