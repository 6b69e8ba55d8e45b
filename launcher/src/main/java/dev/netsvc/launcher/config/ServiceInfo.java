package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.KeyFamily;
import dev.netsvc.core.NetService;
import dev.netsvc.core.internal.ServiceKeys;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;
import dev.netsvc.launcher.text.PlainCause;

import java.util.List;
import java.util.Set;

/**
 * What a plugin's service declared, read once when the plugin loaded. The launcher works from this
 * snapshot so that a plugin whose getters throw is caught once, at load, and never again. An instance
 * ({@code <id>.instance-of=<service>}) is the same declaration under another id.
 *
 * @param families     its families of keys with a free-form last part ({@code env.<NAME>})
 * @param instanceOf   the id of the service this is an instance of, or empty for the service itself
 * @param fromTemplate whether the service is a template ({@link NetService#isTemplate()}): the template
 *                     itself is never run, and each instance of it sets a port of its own
 */
public record ServiceInfo(NetService service, String pluginId, String pluginVersion, String id, String description,
                          Set<Transport> transports, int defaultPort, List<ConfigKey<?>> keys, List<KeyFamily> families,
                          String instanceOf, boolean fromTemplate) {

    /** {@code id} is another instance of this service, with keys of its own. */
    public ServiceInfo instance(String id) {
        return new ServiceInfo(service, pluginId, pluginVersion, id, description + " (an instance of " + this.id + ")",
                transports, defaultPort, keys, families, this.id, fromTemplate);
    }

    /** Whether this is an instance of another service ({@code <id>.instance-of}). */
    public boolean isInstance() {
        return !instanceOf.isEmpty();
    }

    /** Whether this is a template itself, which runs only as its instances. */
    public boolean isTemplate() {
        return fromTemplate && !isInstance();
    }

    /**
     * This service as {@code settings} configure it: the transports the service says it listens on with
     * them ({@link NetService#transports(Settings)}), a subset of those it declared.
     *
     * @throws ConfigException when the service answers with nonsense or fails
     */
    ServiceInfo configured(Settings settings) {
        Set<Transport> chosen;
        try {
            chosen = Set.copyOf(service.transports(settings));
        } catch (RuntimeException e) {
            throw new ConfigException(id, id + ": its plugin " + pluginId + " failed to say its transports: " + PlainCause.of(e));
        }
        if (chosen.isEmpty() || !transports.containsAll(chosen)) {
            throw new ConfigException(id, id + ": its plugin " + pluginId + " says it listens on " + chosen
                    + ", not a part of the transports it declared, " + transports);
        }
        return chosen.equals(transports) ? this : new ServiceInfo(service, pluginId, pluginVersion, id, description, chosen,
                defaultPort, keys, families, instanceOf, fromTemplate);
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
        boolean template = service.isTemplate();
        int port = template ? 0 : service.defaultPort(); // a template's instances each set a port of their own
        if (!template && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException(id + " declares default port " + port + "; expected 1..65535");
        }
        Set<Transport> transports = Set.copyOf(service.transports());
        if (transports.isEmpty()) {
            throw new IllegalArgumentException(id + " declares no transport");
        }
        // its own, then only-from, no-access, ..., and for TCP the PROXY and TLS keys
        List<ConfigKey<?>> keys = ServiceKeys.withOwn(id, transports, service.configKeys());
        List<KeyFamily> families = List.copyOf(service.keyFamilies());
        for (KeyFamily family : families) {
            if (keys.stream().anyMatch(k -> k.name().equals(family.name()))) {
                throw new IllegalArgumentException(id + " declares '" + family.name() + "' both as a key and as a key family");
            }
        }
        String description = service.description() == null ? "" : service.description();
        return new ServiceInfo(service, pluginId, pluginVersion == null ? "" : pluginVersion, id, description, transports,
                port, keys, families, "", template);
    }

    /** "tcp+udp", in enum order. */
    public String transportLabel() {
        return String.join("+", transports.stream().sorted().map(Transport::label).toList());
    }
}
