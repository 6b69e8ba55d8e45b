package dev.netsvc.core.reply;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.frame.Replier;
import dev.netsvc.core.frame.Replies;
import dev.netsvc.core.net.TcpKeys;
import dev.netsvc.core.nio.ConnectionHandler;
import dev.netsvc.core.nio.NioOptions;
import dev.netsvc.core.nio.NioTcpServer;
import dev.netsvc.core.udp.UdpHandler;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A service that answers each framed request with one reply, over TCP and UDP on one port: the whole
 * service is its framing and its {@link Replier}. Everything else is done here, once: the keys
 * ({@code max-connections}, {@code idle-timeout}, the UDP limits {@link UdpLimits#KEYS}, besides the
 * subclass's {@link #serviceKeys()}), TCP on the selector engine ({@link NioTcpServer}), UDP behind core's
 * guard ({@link UdpServer}) on the port TCP got, the order of starting and stopping them
 * ({@link RunningService#tcpThenUdp}), and the counters and request-duration histograms of
 * {@link Replies}.
 * <pre>{@code
 * @Extension
 * public final class UpperService extends RequestReplyService {
 *     public UpperService() {
 *         super("upper", "answers each line in capitals", 7801);
 *     }
 *     protected Framing framing(ServiceContext context) {
 *         return Framing.lines(1024);
 *     }
 *     protected Replier open(ServiceContext context) {
 *         return Replier.text(line -> line.toUpperCase(Locale.ROOT));
 *     }
 * }
 * }</pre>
 * The replier runs on the event loops and the UDP thread: it must not block. A reply over UDP is at most
 * {@link #maxUdpReply} bytes (framed); a longer one is not sent and counts as {@code udp.failed}. Mark the
 * subclass with {@code @Extension}; its client is a {@link RequestClient}.
 */
public abstract class RequestReplyService implements NetService {

    public static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(10_000);
    public static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("5m");

    /** The largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM = 65_507;

    private final String id;
    private final String description;
    private final int defaultPort;
    private final Set<Transport> transports;

    /** A service over TCP and UDP. */
    protected RequestReplyService(String id, String description, int defaultPort) {
        this(id, description, defaultPort, Set.of(Transport.TCP, Transport.UDP));
    }

    /** A service over {@code transports} (TCP, UDP or both). */
    protected RequestReplyService(String id, String description, int defaultPort, Set<Transport> transports) {
        if (transports.isEmpty()) {
            throw new IllegalArgumentException(id + ": a service needs a transport");
        }
        this.id = id;
        this.description = description;
        this.defaultPort = defaultPort;
        this.transports = Set.copyOf(transports);
    }

    /** The service's own keys, besides the limits every such service has. */
    protected List<ConfigKey<?>> serviceKeys() {
        return List.of();
    }

    /** How requests and replies are framed, for one run (it may depend on the settings: a maximum length). */
    protected abstract Framing framing(ServiceContext context);

    /**
     * Prepares a run (reads settings, loads files) and returns what answers each request. Throw
     * {@link dev.netsvc.core.ConfigException} for a setting that cannot be used.
     */
    protected abstract Replier open(ServiceContext context) throws IOException;

    /** The largest framed reply sent over UDP: by default the framing's largest frame, at most 65,507 bytes. */
    protected int maxUdpReply(Framing framing) {
        return Math.min(framing.maxFrameBytes(), MAX_DATAGRAM);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final int defaultPort() {
        return defaultPort;
    }

    @Override
    public final Set<Transport> transports() {
        return transports;
    }

    @Override
    public final List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(serviceKeys());
        if (transports.contains(Transport.TCP)) {
            keys.add(MAX_CONNECTIONS);
            keys.add(IDLE_TIMEOUT);
        }
        if (transports.contains(Transport.UDP)) {
            keys.addAll(UdpLimits.KEYS);
        }
        return List.copyOf(keys);
    }

    /**
     * What serves each TCP connection with {@code context}'s settings, as {@link #start} runs it: for tests in
     * memory, {@code EmbeddedConnection.open(service.tcpHandlers(ServiceHarness.of(service).context()))}.
     */
    public final ConnectionHandler.Factory tcpHandlers(ServiceContext context) throws IOException {
        return Replies.selector(context, framing(context), open(context));
    }

    /**
     * What answers each datagram with {@code context}'s settings, as {@link #start} runs it: for tests in
     * memory, {@code EmbeddedDatagram.answer(service.udpHandler(context), 65_507, request)}.
     */
    public final UdpHandler udpHandler(ServiceContext context) throws IOException {
        return Replies.udp(context, framing(context), open(context));
    }

    @Override
    public final RunningService start(ServiceContext context) throws IOException {
        Framing framing = framing(context);
        Replier replier = open(context);
        RunningService.Start tcp = c -> NioTcpServer.start(c, NioOptions.defaults()
                .withMaxConnections(c.get(MAX_CONNECTIONS)).withIdleTimeout(c.get(IDLE_TIMEOUT)),
                Replies.selector(c, framing, replier));
        RunningService.Start udp = c -> UdpServer.start(c, maxUdpReply(framing), Replies.udp(c, framing, replier));
        if (!transports.contains(Transport.UDP)) {
            return tcp.start(context);
        }
        return transports.contains(Transport.TCP) ? RunningService.tcpThenUdp(context, tcp, udp) : udp.start(context);
    }
}
