package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.Endpoint;
import dev.netsvc.core.Latencies;
import dev.netsvc.core.Transport;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One supervised service as status, metrics and the control socket report it: a snapshot, safe to read
 * from any thread.
 *
 * @param id            service id
 * @param pluginId      the plugin that provides it
 * @param pluginVersion that plugin's version
 * @param enabled       whether the configuration enables it
 * @param state         lifecycle state
 * @param since         when it entered {@code state}
 * @param reason        why it is not running (the last failure, in plain words), or empty
 * @param transports    the transports it serves
 * @param endpoints     where it listens now (empty unless running)
 * @param restarts      restarts since the host started
 * @param counters      its counters, totals across restarts ({@code tcp.connections.accepted}, ...)
 * @param histograms    its latency histograms by name, totals across restarts ({@code tcp.connection.seconds}, ...)
 * @param fromServiceManager those of {@code endpoints} whose socket the service manager passed in
 */
public record ServiceStatus(String id, String pluginId, String pluginVersion, boolean enabled, ServiceState state,
                            Instant since, String reason, Set<Transport> transports, List<Endpoint> endpoints,
                            int restarts, Map<String, Long> counters, Map<String, Latencies.Snapshot> histograms,
                            Set<Endpoint> fromServiceManager) {

    public ServiceStatus {
        transports = Set.copyOf(transports);
        endpoints = List.copyOf(endpoints);
        fromServiceManager = Set.copyOf(fromServiceManager);
        counters = Map.copyOf(counters);
        histograms = Map.copyOf(histograms);
        reason = reason == null ? "" : reason;
    }

    /** A service without histograms whose sockets are all its own. */
    public ServiceStatus(String id, String pluginId, String pluginVersion, boolean enabled, ServiceState state,
                         Instant since, String reason, Set<Transport> transports, List<Endpoint> endpoints,
                         int restarts, Map<String, Long> counters) {
        this(id, pluginId, pluginVersion, enabled, state, since, reason, transports, endpoints, restarts, counters, Map.of(), Set.of());
    }

    /** A service without histograms. */
    public ServiceStatus(String id, String pluginId, String pluginVersion, boolean enabled, ServiceState state,
                         Instant since, String reason, Set<Transport> transports, List<Endpoint> endpoints,
                         int restarts, Map<String, Long> counters, Set<Endpoint> fromServiceManager) {
        this(id, pluginId, pluginVersion, enabled, state, since, reason, transports, endpoints, restarts, counters, Map.of(),
                fromServiceManager);
    }

    /** A service whose sockets are all its own. */
    public ServiceStatus(String id, String pluginId, String pluginVersion, boolean enabled, ServiceState state,
                         Instant since, String reason, Set<Transport> transports, List<Endpoint> endpoints,
                         int restarts, Map<String, Long> counters, Map<String, Latencies.Snapshot> histograms) {
        this(id, pluginId, pluginVersion, enabled, state, since, reason, transports, endpoints, restarts, counters, histograms,
                Set.of());
    }

    /** {@code endpoint}, with {@code (socket from the service manager)} after it when it is. */
    public String describe(Endpoint endpoint) {
        return endpoint + (fromServiceManager.contains(endpoint) ? " (socket from the service manager)" : "");
    }
}
