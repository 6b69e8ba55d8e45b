package dev.netsvc.launcher.config;

import dev.netsvc.core.Settings;

import java.net.InetAddress;
import java.util.Map;

/**
 * One service as it will run.
 *
 * @param ownText the service's own keys as configured (text), to tell whether a reload changed them
 * @param files   a digest of the content of each file its keys name for reading (a certificate, a quotes
 *                file), to tell whether a reload must renew the service even though no key changed
 * @param reusePort whether its sockets are bound with SO_REUSEPORT ({@code <id>.reuse-port})
 */
public record ServicePlan(ServiceInfo service, boolean enabled, InetAddress bind, int port, Settings settings,
                          Map<String, String> ownText, RestartPolicy restart, Map<String, String> files, boolean reusePort) {

    public ServicePlan {
        ownText = Map.copyOf(ownText);
        files = Map.copyOf(files);
    }

    public String id() {
        return service.id();
    }

    /** Whether running this plan instead of {@code other} needs a new instance (the restart policy does not). */
    public boolean sameRuntime(ServicePlan other) {
        return bind.equals(other.bind) && port == other.port && reusePort == other.reusePort && ownText.equals(other.ownText)
                && files.equals(other.files);
    }
}
