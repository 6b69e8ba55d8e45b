package dev.netsvc.testkit;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.internal.ServiceKeys;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one {@link NetService} inside a test: no PF4J, no distribution, loopback, an ephemeral port.
 * <pre>{@code
 * try (ServiceHarness echo = ServiceHarness.of(new EchoBlockingService()).set("idle-timeout", "2s").start()) {
 *     Socket s = new Socket(echo.host(), echo.tcpPort());
 *     ...
 * }
 * }</pre>
 */
public final class ServiceHarness implements AutoCloseable {

    private final NetService service;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private InetAddress bind = InetAddress.getLoopbackAddress();
    private Clock clock = Clock.systemUTC();
    private Path home = Path.of("").toAbsolutePath();
    private Duration grace = Duration.ofSeconds(5);
    private final ServiceCounters counters = new ServiceCounters();
    private RunningService running;
    private Set<Integer> udpServicePorts = Set.of();

    private ServiceHarness(NetService service) {
        this.service = service;
    }

    public static ServiceHarness of(NetService service) {
        return new ServiceHarness(service);
    }

    /**
     * Sets one of the service's keys by its short name ({@code idle-timeout}, not {@code echo.idle-timeout}):
     * its own keys, the members of its key families ({@code env.PATH}) and the access keys every service
     * has ({@code only-from}, {@code per-source}, ...).
     */
    public ServiceHarness set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    public ServiceHarness bind(InetAddress address) {
        this.bind = address;
        return this;
    }

    public ServiceHarness clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public ServiceHarness home(Path home) {
        this.home = home;
        return this;
    }

    /** The UDP ports of the (pretend) host's services, which the UDP guard drops as loop sources. */
    public ServiceHarness udpServicePorts(Set<Integer> ports) {
        this.udpServicePorts = Set.copyOf(ports);
        return this;
    }

    /** Grace period given to {@link RunningService#stop} on close. */
    public ServiceHarness grace(Duration grace) {
        this.grace = grace;
        return this;
    }

    /** Validates the settings exactly as the launcher would, and starts the service on port 0. */
    public ServiceHarness start() throws IOException {
        if (running != null) {
            throw new IllegalStateException("already started");
        }
        running = service.start(context());
        return this;
    }

    /**
     * The context {@link #start} starts the service with (its settings validated as the launcher does, port
     * 0, this harness's clock and counters), without starting it: for testing a handler in memory, say an
     * {@code EmbeddedConnection} of the handler the service's {@code start} would make from it.
     *
     * @throws dev.netsvc.core.ConfigException naming the key of a setting that is not valid
     */
    public ServiceContext context() {
        Settings parsed = HostAccess.parseSettings(service.id(), ServiceKeys.withOwn(service.id(), service.transports(), service.configKeys()),
                service.keyFamilies(), settings);
        service.validate(parsed);
        ServiceContext.Builder builder = ServiceContext.builder(service.id())
                .bind(bind, 0)
                .settings(parsed)
                .counters(counters)
                .clock(clock)
                .home(home);
        return HostAccess.wire(builder, null, udpServicePorts).build();
    }

    public List<Endpoint> endpoints() {
        return running().endpoints();
    }

    /** The bound address for {@code transport}; fails the test if the service does not listen on it. */
    public InetSocketAddress address(Transport transport) {
        return endpoints().stream()
                .filter(e -> e.transport() == transport)
                .map(Endpoint::address)
                .findFirst()
                .orElseThrow(() -> new AssertionError(service.id() + " has no " + transport.label() + " endpoint: " + endpoints()));
    }

    public InetSocketAddress tcp() {
        return address(Transport.TCP);
    }

    public InetSocketAddress udp() {
        return address(Transport.UDP);
    }

    public int tcpPort() {
        return tcp().getPort();
    }

    public InetAddress host() {
        return bind;
    }

    public ServiceCounters counters() {
        return counters;
    }

    /** Stops the service now (with the grace period); closing again is harmless. */
    @Override
    public void close() {
        if (running != null) {
            running.stop(grace);
        }
    }

    private RunningService running() {
        if (running == null) {
            throw new IllegalStateException("call start() first");
        }
        return running;
    }
}
