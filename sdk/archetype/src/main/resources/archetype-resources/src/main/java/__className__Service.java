package ${package};

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

import org.pf4j.Extension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

// tag::service[]
@Extension
public final class ${className}Service implements NetService {

    static final int DEFAULT_PORT = ${port};

    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(10_000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("1m");
    static final ConfigKey<Integer> MAX_LINE = ConfigKey.integer("max-line", 1024, 1, 65_505,
            "longest line accepted, in bytes; a longer one closes the connection (over UDP: no answer)");

    /** The protocol: each line answered with the line reversed. Replace it with yours. */
    static final Replier REVERSE = Replier.text(line -> new StringBuilder(line).reverse().toString());

    @Override
    public String id() {
        return "${serviceId}"; // lower-case letters, digits and '-'
    }

    @Override
    public String description() {
        return "answers each line reversed, over TCP and UDP";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP, Transport.UDP);
    }

    @Override
    public int defaultPort() {
        return DEFAULT_PORT;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(MAX_CONNECTIONS, IDLE_TIMEOUT, MAX_LINE)); // ${serviceId}.max-line, ...
        keys.addAll(UdpLimits.KEYS); // the UDP guard's rate limits
        return keys;
    }

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        NioOptions options = NioOptions.defaults()
                .withMaxConnections(context.get(MAX_CONNECTIONS))
                .withIdleTimeout(context.get(IDLE_TIMEOUT));
        Framing lines = Framing.lines(context.get(MAX_LINE));
        // TCP on the selector engine, then UDP on the port TCP got; core stops both, and cleans up if one fails
        return RunningService.tcpThenUdp(context,
                tcp -> NioTcpServer.start(tcp, options, tcpHandler(tcp, lines)),
                udp -> UdpServer.start(udp, lines.maxFrameBytes(), udpHandler(udp, lines)));
    }

    /** Each TCP connection's handler (on an event loop: never block): every line gets its answer. */
    static ConnectionHandler.Factory tcpHandler(ServiceContext context, Framing lines) {
        return Replies.selector(context, lines, REVERSE);
    }

    /** Each datagram is one line, answered with one datagram. */
    static UdpHandler udpHandler(ServiceContext context, Framing lines) {
        return Replies.udp(context, lines, REVERSE);
    }
}
// end::service[]
