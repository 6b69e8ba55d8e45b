package dev.netsvc.core.internal;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.KeyFamily;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Settings;

import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The host's one door into the wiring of core's API types (the JDK's {@code SharedSecrets} pattern): a
 * {@link ServiceContext}'s {@link Listeners} and the UDP ports of the host's services, and the parsing of
 * raw configuration into {@link Settings}. The launcher and the test kit set them when they build a
 * context, core's engines read them; plugins neither see nor call them, because this package is refused
 * to plugin code (by the host's plugin class loader and jar check, and by the SDK parent's build).
 * {@code ServiceContext} and {@code Settings} lend their side in their static initializers.
 */
public final class HostAccess {

    /** What {@link ServiceContext} lends the host: reading and setting its wiring. */
    public interface Contexts {
        Listeners listeners(ServiceContext context);

        Set<Integer> udpServicePorts(ServiceContext context);

        ServiceContext.Builder wire(ServiceContext.Builder builder, Listeners listeners, Set<Integer> udpServicePorts);
    }

    /** What {@link Settings} lends the host: validating raw values against declared keys. */
    public interface SettingsParser {
        Settings parse(String serviceId, List<ConfigKey<?>> keys, List<KeyFamily> families, Map<String, String> raw);
    }

    private static volatile Contexts contexts;
    private static volatile SettingsParser settings;

    private HostAccess() {
    }

    /** Called once, by {@code ServiceContext}'s static initializer. */
    public static void lendContexts(Contexts access) {
        if (contexts != null) {
            throw new IllegalStateException("ServiceContext's wiring is lent once");
        }
        contexts = Objects.requireNonNull(access, "access");
    }

    /** Where the context's engines get their sockets: their own by default, the host's shared ones under the launcher. */
    public static Listeners listeners(ServiceContext context) {
        return contexts().listeners(context);
    }

    /**
     * The UDP ports every enabled service of this host listens on, as configured (port 0 left out): the
     * UDP guard drops datagrams from them as loops, so two UDP services cannot be made to answer each other.
     */
    public static Set<Integer> udpServicePorts(ServiceContext context) {
        return contexts().udpServicePorts(context);
    }

    /** {@code builder} with the host's listeners (null: the engines bind their own) and its services' UDP ports. */
    public static ServiceContext.Builder wire(ServiceContext.Builder builder, Listeners listeners, Set<Integer> udpServicePorts) {
        return contexts().wire(builder, listeners, udpServicePorts);
    }

    /** Called once, by {@code Settings}' static initializer. */
    public static void lendSettings(SettingsParser parser) {
        if (settings != null) {
            throw new IllegalStateException("Settings' parser is lent once");
        }
        settings = Objects.requireNonNull(parser, "parser");
    }

    /**
     * Validates {@code raw} (short key name to text) against {@code keys}; keys missing from {@code raw}
     * take their defaults.
     *
     * @throws dev.netsvc.core.ConfigException naming the full key ({@code <serviceId>.<name>}) and what is valid
     */
    public static Settings parseSettings(String serviceId, List<ConfigKey<?>> keys, Map<String, String> raw) {
        return parseSettings(serviceId, keys, List.of(), raw);
    }

    /**
     * Like {@link #parseSettings(String, List, Map)}, with the service's key families: a raw key under a
     * family ({@code env.PATH}) is one of its members.
     *
     * @throws dev.netsvc.core.ConfigException naming the full key and what is valid, also for a member whose
     *         name the family refuses
     */
    public static Settings parseSettings(String serviceId, List<ConfigKey<?>> keys, List<KeyFamily> families,
                                         Map<String, String> raw) {
        if (settings == null) {
            initialize(Settings.class); // its initializer lends
        }
        return settings.parse(serviceId, keys, families, raw);
    }

    private static Contexts contexts() {
        if (contexts == null) {
            initialize(ServiceContext.class); // its initializer lends
        }
        return contexts;
    }

    private static void initialize(Class<?> lender) {
        try {
            MethodHandles.lookup().ensureInitialized(lender);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
