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
 * {@code ServiceContext} lends core's side in its static initializer.
 */
public final class HostAccess {

    /**
     * What core's root package lends the host: a context's wiring, read and set, and the validation of raw
     * values against declared keys.
     */
    public interface Lender {
        Listeners listeners(ServiceContext context);

        Set<Integer> udpServicePorts(ServiceContext context);

        ServiceContext.Builder wire(ServiceContext.Builder builder, Listeners listeners, Set<Integer> udpServicePorts);

        Settings parse(String serviceId, List<ConfigKey<?>> keys, List<KeyFamily> families, Map<String, String> raw);
    }

    private static volatile Lender lender;

    private HostAccess() {
    }

    /** Called once, by {@code ServiceContext}'s static initializer. */
    public static void lend(Lender access) {
        if (lender != null) {
            throw new IllegalStateException("core's wiring is lent once");
        }
        lender = Objects.requireNonNull(access, "access");
    }

    /** Where the context's engines get their sockets: their own by default, the host's shared ones under the launcher. */
    public static Listeners listeners(ServiceContext context) {
        return lender().listeners(context);
    }

    /**
     * The UDP ports every enabled service of this host listens on, as configured (port 0 left out): the
     * UDP guard drops datagrams from them as loops, so two UDP services cannot be made to answer each other.
     */
    public static Set<Integer> udpServicePorts(ServiceContext context) {
        return lender().udpServicePorts(context);
    }

    /** {@code builder} with the host's listeners (null: the engines bind their own) and its services' UDP ports. */
    public static ServiceContext.Builder wire(ServiceContext.Builder builder, Listeners listeners, Set<Integer> udpServicePorts) {
        return lender().wire(builder, listeners, udpServicePorts);
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
        return lender().parse(serviceId, keys, families, raw);
    }

    private static Lender lender() {
        if (lender == null) {
            try {
                MethodHandles.lookup().ensureInitialized(ServiceContext.class); // its initializer lends
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return lender;
    }
}
