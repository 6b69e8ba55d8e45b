package dev.netsvc.launcher.plugins;

import dev.netsvc.core.ConfigException;
import dev.netsvc.launcher.config.Plan;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.supervisor.Supervisor;
import dev.netsvc.launcher.text.Problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The running host's deployment: a generation's services are planned with the configuration as its files
 * say now and run by the {@link Supervisor}, which swaps them in all or nothing.
 */
public final class ServiceDeployment implements Deployment {

    private final Supervisor supervisor;
    private final Function<Map<String, ServiceInfo>, Plan> planner;
    private final Supplier<Map<String, ServiceInfo>> running;

    /**
     * @param planner the plan of the configuration as its files say now, for these services
     *                ({@link dev.netsvc.launcher.config.ConfigSources#plan}); throws {@link ConfigException}
     * @param running every service of every plugin that runs now, by id (the catalog's)
     */
    public ServiceDeployment(Supervisor supervisor, Function<Map<String, ServiceInfo>, Plan> planner,
                             Supplier<Map<String, ServiceInfo>> running) {
        this.supervisor = supervisor;
        this.planner = planner;
        this.running = running;
    }

    @Override
    public List<Problem> swap(PluginGeneration current, PluginGeneration next) {
        List<ServiceInfo> leaving = current == null ? List.of() : current.services();
        Map<String, ServiceInfo> all = new LinkedHashMap<>(running.get());
        leaving.forEach(s -> all.remove(s.id(), s));
        next.services().forEach(s -> all.put(s.id(), s));
        Plan plan;
        try {
            plan = planner.apply(all);
        } catch (ConfigException e) {
            return List.of(new Problem("configuration", e.getMessage()));
        }
        List<ServicePlan> incoming = new ArrayList<>();
        for (ServiceInfo service : next.services()) {
            plan.services().stream().filter(p -> p.service() == service).findFirst().ifPresent(incoming::add);
        }
        Set<String> kept = new TreeSet<>();
        next.services().forEach(s -> kept.add(s.id()));
        return supervisor.swap(incoming, leaving.stream().map(ServiceInfo::id).filter(id -> !kept.contains(id)).toList());
    }

    @Override
    public Runnable holdListeners(PluginGeneration generation) {
        return supervisor.holdListeners(generation.services().stream().map(ServiceInfo::id).toList());
    }

    @Override
    public void retire(PluginGeneration generation) {
        List<String> ids = new ArrayList<>();
        for (ServiceInfo service : generation.services()) {
            // only if it is this generation's instance that runs (a replacement may have taken the id)
            supervisor.plan(service.id()).filter(p -> p.service() == service).ifPresent(p -> ids.add(service.id()));
        }
        supervisor.remove(ids);
    }
}
