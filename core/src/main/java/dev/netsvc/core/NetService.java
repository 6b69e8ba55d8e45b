package dev.netsvc.core;

import org.pf4j.ExtensionPoint;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * A network service a plugin contributes, such as an echo or an HTTP server. Mark the implementation
 * with {@code @org.pf4j.Extension}; netsvc creates one instance per service when the plugin starts.
 *
 * <p>The host handles the keys every service has ({@code ServiceKeys}: {@code <id>.enabled}, {@code <id>.port},
 * {@code <id>.bind}, the restart policy and the access keys); {@link #configKeys()} declares the others,
 * which become {@code <id>.<name>}.
 */
public interface NetService extends ExtensionPoint {

    /** The service id: lower case letters, digits and '-', unique among loaded plugins. */
    String id();

    /** One line for {@code netsvc list}. */
    String description();

    /** The transports {@link #start} listens on. */
    Set<Transport> transports();

    /** The port used when {@code <id>.port} is not configured. */
    int defaultPort();

    /** The service's own configuration keys; empty when it has none. */
    default List<ConfigKey<?>> configKeys() {
        return List.of();
    }

    /**
     * The service's families of keys with a free-form last part ({@code <id>.env.<NAME>}, say); empty when
     * it has none. Read the members configured with {@link Settings#family(KeyFamily)}.
     */
    default List<KeyFamily> keyFamilies() {
        return List.of();
    }

    /**
     * Whether this service is a template: the host never runs it under its own id, only its instances
     * ({@code <new-id>.instance-of=<id>}), each of which must set {@code <new-id>.port} ({@link #defaultPort()}
     * is not used). An exec service, which runs whatever program an instance names, is one. The default is
     * false.
     */
    default boolean isTemplate() {
        return false;
    }

    /**
     * The transports a service with these settings listens on: a subset of {@link #transports()}, for a
     * service whose transport is one of its settings (an exec service's {@code transport=udp}). The host
     * uses it for the addresses it checks, the UDP loop ports and status. The default is {@link #transports()}.
     */
    default Set<Transport> transports(Settings settings) {
        return transports();
    }

    /**
     * Checks what no single key's parser can: a key that must be set, keys that depend on each other, what
     * the host must be allowed to do for them (switch users, say). The host calls it for an enabled service
     * whenever it validates a configuration ({@code run}, {@code check}, {@code reload}), after every key
     * parsed, so a problem is a configuration error before anything starts. The default accepts anything.
     *
     * @throws ConfigException naming the key ({@code settings.serviceId() + "." + name}) and what would be valid
     */
    default void validate(Settings settings) {
    }

    /**
     * Binds every socket and starts serving. Throws (for example {@link java.net.BindException}) when it
     * cannot listen; anything it opened before failing must be closed again.
     */
    RunningService start(ServiceContext context) throws IOException;
}
