package dev.netsvc.launcher.host;

import dev.netsvc.core.net.HostPort;
import dev.netsvc.launcher.config.Plan;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a new plan changes about the supervised services, sorted into what the supervisor's transaction
 * does with each ({@link dev.netsvc.launcher.supervisor.Supervisor#reconfigure}) and the line a reload
 * reports for it:
 * <ul>
 *   <li>a running service (enabled, or disabled and started by hand) whose address or own keys changed gets a new instance beside the old one
 *   ({@code renew}): "http: new settings (root)", "http: moved from tcp 127.0.0.1:8080 to tcp 127.0.0.1:8081";</li>
 *   <li>a service newly enabled, new (an instance), or in backoff or failed with changed settings starts
 *   ({@code start});</li>
 *   <li>a service disabled, or no longer configured, stops ({@code stop}, {@code remove});</li>
 *   <li>a stopped service's new settings, and a changed restart policy, are only taken ({@code replan}).</li>
 * </ul>
 */
record ServiceChanges(List<ServicePlan> renew, List<ServicePlan> start, List<String> stop, List<String> remove,
                      List<ServicePlan> replan, List<String> lines) {

    boolean isEmpty() {
        return renew.isEmpty() && start.isEmpty() && stop.isEmpty() && remove.isEmpty() && lines.isEmpty();
    }

    static ServiceChanges between(List<ServicePlan> running, List<ServiceStatus> statuses, Plan next) {
        Map<String, ServicePlan> old = new TreeMap<>();
        running.forEach(p -> old.put(p.id(), p));
        Function<String, ServiceState> state = id -> statuses.stream().filter(s -> s.id().equals(id))
                .map(ServiceStatus::state).findFirst().orElse(ServiceState.STOPPED);
        List<ServicePlan> renew = new ArrayList<>();
        List<ServicePlan> start = new ArrayList<>();
        List<String> stop = new ArrayList<>();
        List<ServicePlan> replan = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        Set<String> planned = new TreeSet<>();
        for (ServicePlan p : next.services()) {
            String id = p.id();
            planned.add(id);
            ServicePlan was = old.get(id);
            if (was == null) {
                if (p.enabled()) {
                    start.add(p);
                    lines.add(id + ": started (" + (p.service().isInstance() ? "a new instance of " + p.service().instanceOf()
                            : "new") + ")");
                }
                continue;
            }
            ServiceState now = state.apply(id);
            if (was.enabled() && !p.enabled()) {
                stop.add(id);
                replan.add(p);
                lines.add(id + ": stopped (disabled)");
            } else if (!was.enabled() && p.enabled()) {
                start.add(p);
                lines.add(id + ": started (enabled)");
            } else if (!p.sameRuntime(was)) { // enabled, or disabled but started by hand for this run
                String what = what(was, p, statuses.stream().filter(st -> st.id().equals(id)).findFirst()
                        .map(ServiceStatus::endpoints).orElse(List.of()));
                switch (now) {
                    case RUNNING -> {
                        renew.add(p);
                        lines.add(id + ": " + what);
                    }
                    case BACKOFF, FAILED -> {
                        start.add(p);
                        lines.add(id + ": " + what + ", started");
                    }
                    default -> {
                        replan.add(p);
                        lines.add(id + ": " + what + " (it is " + now.label() + "; they apply when it starts)");
                    }
                }
            } else if (!was.equals(p)) {
                replan.add(p);
                if (!was.restart().equals(p.restart())) {
                    lines.add(id + ": restart policy changed");
                }
            }
        }
        List<String> remove = old.keySet().stream().filter(id -> !planned.contains(id)).toList();
        remove.forEach(id -> lines.add(id + ": removed (no longer configured)"));
        return new ServiceChanges(renew, start, stop, remove, replan, lines);
    }

    // "moved from tcp 127.0.0.1:8080 to tcp 127.0.0.1:8081" or "new settings (root, max-connections)"; the old
    // side as it listens now (its port 0 became one), the new side as configured
    private static String what(ServicePlan was, ServicePlan p, List<dev.netsvc.core.Endpoint> listening) {
        List<String> changed = new ArrayList<>();
        Set<String> keys = new TreeSet<>(was.ownText().keySet());
        keys.addAll(p.ownText().keySet());
        for (String key : keys) {
            if (!Optional.ofNullable(was.ownText().get(key)).equals(Optional.ofNullable(p.ownText().get(key)))) {
                changed.add(key);
            }
        }
        Set<String> files = new TreeSet<>(was.files().keySet());
        files.addAll(p.files().keySet());
        for (String key : files) {
            if (!changed.contains(key) && !Optional.ofNullable(was.files().get(key)).equals(Optional.ofNullable(p.files().get(key)))) {
                changed.add(key + ": its file changed");
            }
        }
        boolean moved = was.port() != p.port() || !was.bind().equals(p.bind());
        String transports = p.service().transportLabel();
        String from = listening.isEmpty() ? transports + " " + HostPort.format(new InetSocketAddress(was.bind(), was.port()))
                : String.join(", ", listening.stream().map(Object::toString).toList());
        String move = "moved from " + from + " to " + transports + " " + HostPort.format(new InetSocketAddress(p.bind(), p.port()));
        if (moved && changed.isEmpty()) {
            return move;
        }
        String settings = "new settings (" + String.join(", ", changed) + ")";
        return moved ? move + ", " + settings : settings;
    }
}
