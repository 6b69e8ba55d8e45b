package dev.netsvc.echo.selector;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Counters;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.nio.ConnectionHandler;
import dev.netsvc.core.nio.NioOptions;
import dev.netsvc.core.nio.NioTcpServer;
import dev.netsvc.core.udp.UdpHandler;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;
import dev.netsvc.core.net.TcpKeys;

import org.pf4j.Extension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * RFC 862 echo on NIO selector event loops: the classic tutorial's {@code selectors} server (register, select,
 * {@code recv}, {@code send} what is left), made safe by core's {@link NioTcpServer}: a shared read buffer
 * per loop, output that waits for a slow reader bounded by {@code max-pending} (past it the server stops
 * reading from that client), half-close, the connection limit and the idle timeout.
 *
 * <p>Also echo over UDP on the same port, behind core's {@link UdpServer}: its loop check, per-source and
 * global rate limits keep a forged source from turning the echo into a reflector or a loop with another
 * UDP service.
 */
@Extension
public final class EchoSelectorService implements NetService {

    static final ConfigKey<Integer> LOOPS = ConfigKey.integer("loops", 0, 0, 1024,
            "event-loop threads; 0 means one per core");
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(10_000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("5m");
    static final ConfigKey<Integer> BUFFER_SIZE = ConfigKey.size("buffer-size", "256k", 512, 16 << 20,
            "largest read; one buffer per event loop, shared by its connections");
    static final ConfigKey<Integer> MAX_PENDING = ConfigKey.size("max-pending", "64k", 1, 16 << 20,
            "echo waiting for a slow reader; past it the server stops reading from that client");

    /** The largest UDP payload (over IPv6; IPv4 allows 65,507): every datagram can be echoed whole. */
    static final int MAX_DATAGRAM = 65_527;
    static final UdpHandler UDP_ECHO = (request, source, reply) -> {
        reply.put(request);
        return true;
    };

    @Override
    public String id() {
        return "echo-selector";
    }

    @Override
    public String description() {
        return "RFC 862 echo, NIO selector event loops";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP, Transport.UDP);
    }

    @Override
    public int defaultPort() {
        return 7008;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(LOOPS, MAX_CONNECTIONS, IDLE_TIMEOUT, BUFFER_SIZE, MAX_PENDING));
        keys.addAll(UdpLimits.KEYS);
        return keys;
    }

    // tag::start[]
    @Override
    public RunningService start(ServiceContext context) throws IOException {
        NioOptions options = NioOptions.defaults()
                .withLoops(context.get(LOOPS)) // 0: one loop per core
                .withMaxConnections(context.get(MAX_CONNECTIONS))
                .withIdleTimeout(context.get(IDLE_TIMEOUT))
                .withReadBufferSize(context.get(BUFFER_SIZE))
                .withMaxPendingOutput(context.get(MAX_PENDING));
        ConnectionHandler echo = echo(context.counters().counter(Counters.TCP_BYTES_ECHOED));
        // TCP, then UDP on the port TCP got; stopped together, UDP first
        return RunningService.tcpThenUdp(context,
                tcp -> NioTcpServer.start(tcp, options, connection -> echo),
                udp -> UdpServer.start(udp, MAX_DATAGRAM, UDP_ECHO));
    }

    /** Writes back whatever arrives; one instance serves every connection, so idle ones cost it nothing. */
    static ConnectionHandler echo(LongAdder bytes) {
        return (connection, input) -> {
            bytes.add(input.remaining());
            connection.write(input);
        };
    }
    // end::start[]
}
