package dev.netsvc.core;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.internal.Listeners;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything a service is started with: where to listen, its validated settings, a logger, counters,
 * a clock and the installation's home directory. The launcher builds one per service; tests build one
 * with the test kit ({@code dev.netsvc:netsvc-testkit}).
 */
public final class ServiceContext {

    private final String serviceId;
    private final InetSocketAddress address;
    private final Settings settings;
    private final Logger log;
    private final ServiceCounters counters;
    private final Clock clock;
    private final Path home;
    private final Consumer<Throwable> onFailure;
    private final Set<Integer> udpServicePorts;
    private final Listeners listeners;
    private final List<String> applicationProtocols;

    static {
        // the host's wiring (listeners, the UDP ports of its services, parsing settings) is lent to
        // dev.netsvc.core.internal only, which plugins may not use
        HostAccess.lend(new HostAccess.Lender() {
            @Override
            public Listeners listeners(ServiceContext context) {
                return context.listeners;
            }

            @Override
            public Set<Integer> udpServicePorts(ServiceContext context) {
                return context.udpServicePorts;
            }

            @Override
            public Builder wire(Builder builder, Listeners listeners, Set<Integer> udpServicePorts) {
                return builder.wired(listeners, Objects.requireNonNull(udpServicePorts, "udpServicePorts"));
            }

            @Override
            public Settings parse(String serviceId, List<ConfigKey<?>> keys, List<KeyFamily> families, Map<String, String> raw) {
                return Settings.parse(serviceId, keys, families, raw);
            }
        });
    }

    private ServiceContext(Builder b) {
        this.serviceId = Objects.requireNonNull(b.serviceId, "serviceId");
        this.address = new InetSocketAddress(Objects.requireNonNull(b.bindAddress, "bindAddress"), b.port);
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.log = b.log != null ? b.log : LoggerFactory.getLogger(serviceId);
        this.counters = b.counters != null ? b.counters : new ServiceCounters();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.home = b.home != null ? b.home : Path.of("").toAbsolutePath();
        this.onFailure = b.onFailure != null ? b.onFailure
                : cause -> log.error("{} died and nothing supervises it", serviceId, cause);
        this.udpServicePorts = Set.copyOf(b.udpServicePorts);
        this.listeners = b.listeners != null ? b.listeners : Listeners.OWN;
        this.applicationProtocols = List.copyOf(b.applicationProtocols);
    }

    public static Builder builder(String serviceId) {
        return new Builder(serviceId);
    }

    public String serviceId() {
        return serviceId;
    }

    /** The address and port to bind (port 0 means any free port; report the bound one in endpoints). */
    public InetSocketAddress address() {
        return address;
    }

    public Settings settings() {
        return settings;
    }

    /** Shorthand for {@code settings().get(key)}. */
    public <T> T get(ConfigKey<T> key) {
        return settings.get(key);
    }

    public Logger log() {
        return log;
    }

    public ServiceCounters counters() {
        return counters;
    }

    /** The clock every time-dependent decision must use, so tests can control time. */
    public Clock clock() {
        return clock;
    }

    /** The installation directory; relative paths in settings are resolved against it. */
    public Path home() {
        return home;
    }

    /**
     * Tells the supervisor that the running service has died: an engine thread ended, the accept loop
     * stopped, a socket it cannot do without was closed under it. The supervisor then stops the service
     * (calls {@link RunningService#stop}) and restarts it as its restart policy says. Call it from the
     * dying thread; calling it again, or while the service is being stopped, is harmless. Errors on one
     * connection are not deaths: close that connection and go on.
     */
    public void failed(Throwable cause) {
        onFailure.accept(Objects.requireNonNull(cause, "cause"));
    }

    /** This context on another port: a service whose second transport must use the port the first got. */
    public ServiceContext withPort(int port) {
        return copy().bind(address.getAddress(), port).build();
    }

    /**
     * The protocols a TLS engine offers by ALPN (RFC 7301), most preferred first; none by default. The http
     * service offers {@code http/1.1}, so clients that would prefer {@code h2} know to speak HTTP/1.1.
     */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** This context with {@code protocols} offered by ALPN when its service serves TLS. */
    public ServiceContext withApplicationProtocols(String... protocols) {
        return copy().applicationProtocols(List.of(protocols)).build();
    }

    private Builder copy() {
        return new Builder(serviceId).bind(address.getAddress(), address.getPort()).settings(settings).log(log)
                .counters(counters).clock(clock).home(home).onFailure(onFailure)
                .applicationProtocols(applicationProtocols).wired(listeners, udpServicePorts);
    }

    /** {@code path} if absolute, else resolved against {@link #home()}. */
    public Path resolve(Path path) {
        return path.isAbsolute() ? path : home.resolve(path).normalize();
    }

    public static final class Builder {
        private final String serviceId;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private Settings settings;
        private Logger log;
        private ServiceCounters counters;
        private Clock clock;
        private Path home;
        private Consumer<Throwable> onFailure;
        private Set<Integer> udpServicePorts = Set.of();
        private Listeners listeners;
        private List<String> applicationProtocols = List.of();

        private Builder(String serviceId) {
            this.serviceId = serviceId;
        }

        public Builder bind(InetAddress address, int port) {
            this.bindAddress = address;
            this.port = port;
            return this;
        }

        public Builder settings(Settings settings) {
            this.settings = settings;
            return this;
        }

        public Builder log(Logger log) {
            this.log = log;
            return this;
        }

        public Builder counters(ServiceCounters counters) {
            this.counters = counters;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        /** Where {@link ServiceContext#failed} reports; by default it is logged as an error. */
        public Builder onFailure(Consumer<Throwable> onFailure) {
            this.onFailure = onFailure;
            return this;
        }

        /** The protocols offered by ALPN under TLS (see {@link ServiceContext#applicationProtocols()}). */
        public Builder applicationProtocols(List<String> protocols) {
            this.applicationProtocols = List.copyOf(protocols);
            return this;
        }

        private Builder wired(Listeners listeners, Set<Integer> udpServicePorts) {
            this.listeners = listeners;
            this.udpServicePorts = udpServicePorts;
            return this;
        }

        public ServiceContext build() {
            return new ServiceContext(this);
        }
    }
}
