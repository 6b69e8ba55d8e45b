package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.ServiceKeys;
import dev.netsvc.core.Transport;

import java.util.List;
import java.util.Set;

/**
 * What a plugin's service declared, read once when the plugin loaded. The launcher works from this
 * snapshot so that a plugin whose getters throw is caught once, at load, and never again. An instance
 * ({@code <id>.instance-of=<service>}) is the same declaration under another id.
 *
 * @param instanceOf the id of the service this is an instance of, or empty for the service itself
 */
public record ServiceInfo(NetService service, String pluginId, String pluginVersion, String id, String description, Set<Transport> transports,
                   int defaultPort, List<ConfigKey<?>> keys, String instanceOf) {

    /** {@code id} is another instance of this service, with keys of its own. */
    public ServiceInfo instance(String id) {
        return new ServiceInfo(service, pluginId, pluginVersion, id, description + " (an instance of " + this.id + ")",
                transports, defaultPort, keys, this.id);
    }

    /** Whether this is an instance of another service ({@code <id>.instance-of}). */
    public boolean isInstance() {
        return !instanceOf.isEmpty();
    }

    /** Reads the declaration, failing with a plain message if the plugin declares nonsense. */
    public static ServiceInfo of(NetService service, String pluginId) {
        return of(service, pluginId, "");
    }

    /** Reads the declaration of a service of plugin {@code pluginId} version {@code pluginVersion}. */
    public static ServiceInfo of(NetService service, String pluginId, String pluginVersion) {
        String id = service.id();
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("service id '" + id + "' must be lower case letters, digits and '-'");
        }
        if (HostKeys.PREFIXES.contains(id)) {
            throw new IllegalArgumentException("service id '" + id + "' is reserved for the host's own keys");
        }
        int port = service.defaultPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(id + " declares default port " + port + "; expected 1..65535");
        }
        Set<Transport> transports = Set.copyOf(service.transports());
        if (transports.isEmpty()) {
            throw new IllegalArgumentException(id + " declares no transport");
        }
        // its own, then only-from, no-access, ..., and for TCP the PROXY and TLS keys
        List<ConfigKey<?>> keys = ServiceKeys.withOwn(id, transports, service.configKeys());
        String description = service.description() == null ? "" : service.description();
        return new ServiceInfo(service, pluginId, pluginVersion == null ? "" : pluginVersion, id, description, transports, port, keys, "");
    }

    /** "tcp+udp", in enum order. */
    public String transportLabel() {
        return String.join("+", transports.stream().sorted().map(Transport::label).toList());
    }
}
