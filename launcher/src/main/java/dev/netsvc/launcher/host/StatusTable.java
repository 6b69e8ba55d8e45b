package dev.netsvc.launcher.host;

import dev.netsvc.launcher.admin.HostView;
import dev.netsvc.launcher.admin.StatusJson;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The services of a running host as {@code netsvc status} and the SIGUSR1 dump print them: a table
 * like {@code supervisorctl status}, or JSON for scripts.
 */
final class StatusTable {

    private static final String[] HEADER = {"ID", "STATE", "ENDPOINTS", "CONN NOW/TOTAL", "RESTARTS", "PLUGIN", "SINCE"};

    private StatusTable() {
    }

    /** One row per service, columns aligned; the reason a service is not running follows its row. */
    static String table(List<ServiceStatus> services, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (ServiceStatus s : services) {
            rows.add(new String[] {s.id(), s.state().label() + (s.enabled() ? "" : " (disabled)"), endpoints(s),
                    connectionsNow(s.counters()) + "/" + s.counters().getOrDefault("tcp.connections.accepted", 0L),
                    Integer.toString(s.restarts()), s.pluginId() + " " + s.pluginVersion(), since(s.since(), now)});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]).append(" ".repeat(i == row.length - 1 ? 0 : width[i] - row[i].length() + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r > 0 && !services.get(r - 1).reason().isEmpty()) {
                out.append("  ").append(services.get(r - 1).reason()).append('\n');
            }
        }
        return out.toString();
    }

    /** Open connections, when the service's engine counts them ({@code tcp.connections.active}); else "-". */
    static String connectionsNow(Map<String, Long> counters) {
        Long active = counters.get("tcp.connections.active");
        return active == null ? "-" : active.toString();
    }

    private static String endpoints(ServiceStatus s) {
        return s.endpoints().isEmpty() ? "-" : s.endpoints().stream().map(s::describe).collect(Collectors.joining(", "));
    }

    /** "2h13m ago"-style age, as supervisorctl shows uptime. */
    static String since(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h" + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d" + (s % 86400 / 3600) + "h";
    }

    /** {@code plugins: 6 running, 8 deploys, 1 failed} (and leaked class loaders when there are any). */
    static String pluginsLine(HostView host) {
        int leaked = host.uncollectedPluginClassLoaders();
        return "plugins: " + host.plugins().size() + " running, " + host.pluginDeploys() + " deploys, "
                + host.pluginDeployFailures() + " failed" + (leaked == 0 ? "" : ", " + leaked + " class loaders not collected")
                + "\n";
    }

    /** The same, as one JSON document: the admin endpoint's {@code /status} ({@link StatusJson}). */
    static String json(HostView host) {
        return StatusJson.of(host) + "\n";
    }
}
