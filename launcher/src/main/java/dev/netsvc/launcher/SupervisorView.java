package dev.netsvc.launcher;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stopgap: today's {@link Supervisor} seen as a {@link HostView}, so that {@code netsvc run} can serve
 * the admin endpoint before the supervising host of issue 8 exists. That host implements
 * {@link HostView} itself and replaces this class: it knows nothing of restarts or backoff, only
 * "started", "failed to start" and "not enabled".
 */
final class SupervisorView implements HostView {

    private final String version;
    private final Instant startedAt;
    private final List<Configuration.ServicePlan> plans;
    private final Map<String, String> pluginVersions;
    private final Supervisor supervisor;

    SupervisorView(String version, Instant startedAt, Configuration.Plan plan, Map<String, String> pluginVersions,
                   Supervisor supervisor) {
        this.version = version;
        this.startedAt = startedAt;
        this.plans = plan.services().stream().sorted(Comparator.comparing(p -> p.service().id())).toList();
        this.pluginVersions = Map.copyOf(pluginVersions);
        this.supervisor = supervisor;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public List<ServiceStatus> services() {
        List<Supervisor.Started> started = supervisor.started();
        List<Problem> failures = supervisor.failures();
        List<ServiceStatus> out = new ArrayList<>(plans.size());
        for (Configuration.ServicePlan plan : plans) {
            ServiceInfo info = plan.service();
            String pluginVersion = pluginVersions.getOrDefault(info.pluginId(), "");
            Optional<Supervisor.Started> running = started.stream().filter(s -> s.plan() == plan).findFirst();
            Optional<Problem> failed = failures.stream().filter(p -> p.subject().equals(info.id())).findFirst();
            if (running.isPresent()) {
                Supervisor.Started s = running.get();
                out.add(new ServiceStatus(info.id(), info.pluginId(), pluginVersion, true, ServiceState.RUNNING, s.at(),
                        "", info.transports(), s.running().endpoints(), 0, s.counters().snapshot()));
            } else {
                ServiceState state = failed.isPresent() ? ServiceState.FAILED : ServiceState.STOPPED;
                String reason = failed.map(Problem::cause).orElse("");
                out.add(new ServiceStatus(info.id(), info.pluginId(), pluginVersion, plan.enabled(), state, startedAt,
                        reason, info.transports(), List.of(), 0, Map.of()));
            }
        }
        return out;
    }
}
