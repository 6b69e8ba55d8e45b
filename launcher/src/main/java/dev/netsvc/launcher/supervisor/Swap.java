package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.ConfigException;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.text.Problem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One swap, all or nothing: a new instance of each incoming service starts beside the running one of the
 * same id, taking over its listening sockets ({@link SharedListeners}) and its counters. Only when every
 * enabled one runs are they supervised and the old ones (and the retired ones) stopped, draining within
 * the grace; otherwise the new ones stop again and the old ones never noticed. Runs under the
 * supervisor's lock.
 */
final class Swap {

    private final Supervisor supervisor;

    Swap(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    List<Problem> run(List<ServicePlan> incoming, Collection<String> retiring) {
        List<SupervisedService> fresh = new ArrayList<>();
        Problem problem = null;
        for (ServicePlan plan : incoming) {
            SupervisedService s = supervisor.fresh(plan, supervisor.countersOf(plan.id()));
            fresh.add(s);
            try {
                if (plan.enabled()) {
                    s.start();
                }
            } catch (ConfigException e) {
                problem = new Problem(plan.id(), e.getMessage());
                break;
            }
            if (plan.enabled() && s.state() != ServiceState.RUNNING) {
                problem = new Problem(s.id(), s.reason());
                break;
            }
        }
        if (problem != null) {
            supervisor.stopAll(fresh);
            return List.of(problem);
        }
        List<SupervisedService> old = new ArrayList<>();
        for (SupervisedService s : fresh) {
            SupervisedService previous = supervisor.replace(s);
            if (previous != null) {
                old.add(previous);
            }
        }
        for (String id : retiring) {
            SupervisedService previous = supervisor.forget(id);
            if (previous != null) {
                old.add(previous);
            }
        }
        supervisor.stopAll(old);
        return List.of();
    }
}
