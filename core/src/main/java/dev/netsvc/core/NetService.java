package dev.netsvc.core;

import org.pf4j.ExtensionPoint;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * A network service a plugin contributes, such as an echo or an HTTP server. Mark the implementation
 * with {@code @org.pf4j.Extension}; netsvc creates one instance per service when the plugin starts.
 *
 * <p>The host handles the keys every service has ({@link ServiceKeys}: {@code <id>.enabled}, {@code <id>.port},
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
     * Binds every socket and starts serving. Throws (for example {@link java.net.BindException}) when it
     * cannot listen; anything it opened before failing must be closed again.
     */
    RunningService start(ServiceContext context) throws IOException;
}
