package dev.netsvc.core.internal;

import dev.netsvc.core.Transport;
import dev.netsvc.core.Settings;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.NetService;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.ConfigException;
import dev.netsvc.core.access.AccessKeys;
import dev.netsvc.core.access.ProxyKeys;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The keys every service has, declared once. Two kinds: the host's ({@link HostKeys}: whether and where
 * the service runs, and its restart policy), which the host reads to run it and never passes to it; and
 * those core's engines read from the service's settings, which the host adds to the service's own keys
 * ({@link #withOwn}): the access keys ({@link AccessKeys}) of every service, and for a service that
 * listens on TCP the PROXY protocol's ({@link ProxyKeys}) and TLS's ({@link TlsKeys}). A service declares
 * none of them itself.
 */
public final class ServiceKeys {

    /** The restart policies {@code <id>.restart} takes. */
    public static final List<String> RESTART_POLICIES = List.of("on-failure", "always", "never");

    /**
     * The keys the host reads for one service: {@code <id>.enabled}, {@code .port} (whose default is the
     * service's own), {@code .bind}, and the restart policy {@code .restart}, {@code .restart-limit},
     * {@code .restart-window}.
     */
    public record HostKeys(ConfigKey<Boolean> enabled, ConfigKey<Integer> port, ConfigKey<InetAddress> bind,
                           ConfigKey<String> restart, ConfigKey<Integer> restartLimit, ConfigKey<Duration> restartWindow) {

        /** All six, in the order {@code netsvc list} shows them. */
        public List<ConfigKey<?>> all() {
            return List.of(enabled, port, bind, restart, restartLimit, restartWindow);
        }
    }

    /**
     * {@code <id>.reuse-port}: the service's sockets are bound with SO_REUSEPORT, so that several netsvc
     * processes listen on one port and the kernel spreads clients among them. The host reads it too.
     */
    public static final ConfigKey<Boolean> REUSE_PORT = ConfigKey.bool("reuse-port", false, "SO_REUSEPORT: several"
            + " netsvc processes listen on this port, the kernel spreads clients among them (docs/operators.md:"
            + " a graceful stop of one needs net.ipv4.tcp_migrate_req=1)");

    /** The names of the host's keys, in the order {@code netsvc list} shows them. */
    public static final List<String> HOST_NAMES = hostKeys("service", 1).stream().map(ConfigKey::name).toList();

    /** The keys core's TCP engines read: only a service that listens on TCP has them. */
    public static final List<ConfigKey<?>> TCP_KEYS = tcpKeys();

    /** The name of every key a service may have without declaring it: the host's, the access keys, the TCP keys. */
    public static final Set<String> NAMES = names();

    private ServiceKeys() {
    }

    /** The host's keys of service {@code serviceId}, whose port defaults to {@code defaultPort}. */
    public static HostKeys host(String serviceId, int defaultPort) {
        return new HostKeys(
                ConfigKey.bool("enabled", true, "whether 'netsvc run' starts " + serviceId),
                ConfigKey.integer("port", defaultPort, 0, 65535, "port to listen on (0: any free port)"),
                ConfigKey.address("bind", "127.0.0.1", "address to listen on (default: netsvc.bind)"),
                ConfigKey.choice("restart", "on-failure", RESTART_POLICIES,
                        "restart after a failure: on-failure (up to restart-limit), always (no limit), never"),
                ConfigKey.integer("restart-limit", 5, 0, 1000, "restarts within restart-window before giving up (failed)"),
                ConfigKey.duration("restart-window", "60s", Duration.ofSeconds(1), Duration.ofDays(1),
                        "the period restart-limit counts restarts in"));
    }

    /** Every key the host reads for one service: {@link #host}'s and {@link #REUSE_PORT}, as {@code netsvc list} shows them. */
    public static List<ConfigKey<?>> hostKeys(String serviceId, int defaultPort) {
        List<ConfigKey<?>> all = new ArrayList<>(host(serviceId, defaultPort).all());
        all.add(3, REUSE_PORT); // after bind
        return List.copyOf(all);
    }

    /**
     * The keys a service's settings are parsed with: {@code own} (its {@link NetService#configKeys()}),
     * then the access keys, then, when it listens on TCP ({@code transports}), the PROXY and TLS keys.
     *
     * @throws IllegalArgumentException if {@code own} declares a key every service has
     */
    public static List<ConfigKey<?>> withOwn(String serviceId, Set<Transport> transports, List<ConfigKey<?>> own) {
        for (ConfigKey<?> key : own) {
            if (NAMES.contains(key.name())) {
                throw new IllegalArgumentException(serviceId + " redeclares the key '" + key.name()
                        + "', which every service has");
            }
        }
        List<ConfigKey<?>> all = new ArrayList<>(own);
        all.addAll(AccessKeys.KEYS);
        if (transports.contains(Transport.TCP)) {
            all.addAll(TCP_KEYS);
        }
        return List.copyOf(all);
    }

    /**
     * Whether {@code name} is one of the keys only a service that listens on TCP has (TLS, the PROXY
     * protocol), so a UDP-only service's configuration can say why it has none.
     */
    public static boolean isTcpOnly(String name) {
        return TCP_KEYS.stream().anyMatch(k -> k.name().equals(name));
    }

    /**
     * Checks what the keys of an enabled service need beyond their values: the files its TLS keys name
     * (each readable PEM, the key the certificate's, not expired) and the keys that go together
     * ({@code proxy-from} with {@code proxy-protocol}). The host calls it whenever it validates a
     * configuration ({@code run}, {@code check}, {@code reload}), before anything starts; the engines
     * make the same checks when they start.
     *
     * @param resolve  a configured path taken as the service will ({@link ServiceContext#resolve})
     * @param warnings gets a line for what works but should be fixed (a certificate that expires within
     *                 14 days, a key file other users can read)
     * @throws ConfigException naming the key, the file and what is wrong with it
     */
    public static void check(String serviceId, Settings settings, java.util.function.UnaryOperator<Path> resolve, Clock clock,
                             Consumer<String> warnings) {
        ProxyKeys.check(serviceId, settings);
        TlsContext.load(serviceId, settings, resolve, clock, List.of(), warnings);
    }

    private static List<ConfigKey<?>> tcpKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(ProxyKeys.KEYS);
        keys.addAll(TlsKeys.KEYS);
        return List.copyOf(keys);
    }

    private static Set<String> names() {
        Set<String> names = new LinkedHashSet<>(HOST_NAMES);
        AccessKeys.KEYS.forEach(key -> names.add(key.name()));
        TCP_KEYS.forEach(key -> names.add(key.name()));
        return Set.copyOf(names);
    }
}
