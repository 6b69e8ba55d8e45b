package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Transport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The whole run: every service with its settings, the host's own settings, the keys kept for services no
 * loaded plugin provides, and what the checks of the services' files found worth a warning (a certificate
 * that expires within 14 days, a key file other users can read).
 */
public record Plan(List<ServicePlan> services, HostSettings host, List<ParkedKeys> parked, List<String> fileWarnings) {

    public Plan {
        fileWarnings = List.copyOf(fileWarnings);
    }

    /** One line per service id whose keys wait for a plugin ({@link ParkedKeys#warning()}), then the files'. */
    public List<String> warnings() {
        List<String> all = new java.util.ArrayList<>(parked.stream().map(ParkedKeys::warning).toList());
        all.addAll(fileWarnings);
        return all;
    }

    public List<ServicePlan> enabled() {
        return services.stream().filter(ServicePlan::enabled).toList();
    }

    public Optional<ServicePlan> service(String id) {
        return services.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** The configured UDP ports of the enabled services: the UDP guard drops datagrams from them as loops. */
    public Set<Integer> udpPorts() {
        Set<Integer> ports = new TreeSet<>();
        for (ServicePlan p : enabled()) {
            if (p.service().transports().contains(Transport.UDP) && p.port() != 0) {
                ports.add(p.port());
            }
        }
        return Set.copyOf(ports);
    }

    /** Each enabled service's {@code max-connections}, for those that have the key. */
    public Map<String, Integer> maxConnections() {
        Map<String, Integer> max = new LinkedHashMap<>();
        for (ServicePlan p : enabled()) {
            for (ConfigKey<?> key : p.service().keys()) {
                if (key.name().equals("max-connections") && p.settings().get(key) instanceof Integer n) {
                    max.put(p.id(), n);
                }
            }
        }
        return max;
    }

    public Duration shutdownGrace() {
        return host.shutdownGrace();
    }
}
