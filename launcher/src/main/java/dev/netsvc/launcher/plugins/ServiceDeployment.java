package dev.netsvc.launcher.plugins;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.NetService;
import dev.netsvc.launcher.config.Plan;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.supervisor.Supervisor;
import dev.netsvc.launcher.text.Problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The running host's deployment: a generation's services are planned with the configuration as its files
 * say now and run by the {@link Supervisor}, which swaps them in all or nothing.
 */
public final class ServiceDeployment implements Deployment {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    private final Supervisor supervisor;
    private final Function<Map<String, ServiceInfo>, Plan> planner;

    /**
     * @param planner the plan of the configuration as its files say now, for these services
     *                ({@link dev.netsvc.launcher.config.ConfigSources#plan}); throws {@link ConfigException}
     */
    public ServiceDeployment(Supervisor supervisor, Function<Map<String, ServiceInfo>, Plan> planner) {
        this.supervisor = supervisor;
        this.planner = planner;
    }

    /**
     * Plans {@code next}'s services (and the instances of them the configuration names) with the files as
     * they are now, validating only their keys: another service's broken key is for its own reload to
     * refuse, not this deploy. Then the supervisor swaps them in, all or nothing, and retires what
     * {@code current} ran that {@code next} does not.
     */
    @Override
    public List<Problem> swap(PluginGeneration current, PluginGeneration next) {
        Map<String, ServiceInfo> provided = new LinkedHashMap<>();
        next.services().forEach(s -> provided.put(s.id(), s));
        Plan plan;
        try {
            plan = planner.apply(provided);
        } catch (ConfigException e) {
            return List.of(new Problem("configuration", e.getMessage()));
        }
        plan.warnings().forEach(log::warn);
        Set<String> incoming = new TreeSet<>();
        plan.services().forEach(p -> incoming.add(p.id()));
        List<String> retiring = current == null ? List.of() : ranBy(current).stream().filter(id -> !incoming.contains(id)).toList();
        return supervisor.swap(plan.services(), retiring);
    }

    @Override
    public Runnable holdListeners(PluginGeneration generation) {
        return supervisor.holdListeners(ranBy(generation));
    }

    @Override
    public void retire(PluginGeneration generation) {
        supervisor.remove(ranBy(generation));
    }

    /** The supervised services whose code is {@code generation}'s: its own and their instances. */
    private List<String> ranBy(PluginGeneration generation) {
        Set<NetService> code = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        generation.services().forEach(s -> code.add(s.service()));
        return supervisor.plans().stream().filter(p -> code.contains(p.service().service())).map(ServicePlan::id).toList();
    }
}
