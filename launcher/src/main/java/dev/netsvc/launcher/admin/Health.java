package dev.netsvc.launcher.admin;


import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import java.util.List;

/**
 * What {@code GET /healthz} answers: healthy when every enabled service is running and the host has no
 * problem of its own; otherwise one line per problem ({@code plugins folder ... cannot be read: ...}) and
 * per enabled service that is not running, with its state and reason ({@code http: backoff (port 8080 ...)}).
 */
record Health(List<String> notRunning) {

    /** {@code /readyz}: healthy, and not draining before a stop. */
    static Health ready(HostView view) {
        Health health = of(view);
        if (!view.draining()) {
            return health;
        }
        List<String> lines = new java.util.ArrayList<>(List.of("draining: netsvc stops soon (netsvc.shutdown-drain-delay)"));
        lines.addAll(health.notRunning());
        return new Health(List.copyOf(lines));
    }

    static Health of(HostView view) {
        List<String> lines = new java.util.ArrayList<>(view.problems());
        view.services().stream().filter(s -> s.enabled() && s.state() != ServiceState.RUNNING).map(Health::line)
                .forEach(lines::add);
        return new Health(List.copyOf(lines));
    }

    boolean healthy() {
        return notRunning.isEmpty();
    }

    /** {@code ok}, or the services that are not running, one a line. */
    String text() {
        return healthy() ? "ok\n" : String.join("\n", notRunning) + "\n";
    }

    private static String line(ServiceStatus s) {
        return s.id() + ": " + s.state().label() + (s.reason().isBlank() ? "" : " (" + s.reason().strip().replaceAll("\\s+", " ") + ")");
    }
}
