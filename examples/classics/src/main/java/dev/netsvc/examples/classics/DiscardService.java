package dev.netsvc.examples.classics;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Counter;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.TcpConnection;
import dev.netsvc.core.net.TcpKeys;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;

import org.pf4j.Extension;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/** RFC 863 discard over TCP and UDP: everything received is thrown away, nothing is ever sent. */
@Extension
public final class DiscardService implements NetService {

    static final int PORT = 9009;
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(1000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("1m");
    /** A counter of this plugin's own: /metrics shows it as netsvc_service_events_total{event="tcp.bytes.discarded"}. */
    static final Counter DISCARDED = Counter.of("tcp.bytes.discarded");

    @Override
    public String id() {
        return "discard";
    }

    @Override
    public String description() {
        return "RFC 863 discard: takes anything, answers nothing";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP, Transport.UDP);
    }

    @Override
    public int defaultPort() {
        return PORT;
    }

    // tag::keys[]
    @Override
    public List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(MAX_CONNECTIONS, IDLE_TIMEOUT));
        keys.addAll(UdpLimits.KEYS); // the UDP guard's limits, settable per service
        return keys;
    }
    // end::keys[]

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        LongAdder bytes = context.counters().counter(DISCARDED);
        return RunningService.tcpThenUdp(context,
                tcp -> BlockingTcpServer.start(tcp,
                        new BlockingTcpServer.Limits(context.get(MAX_CONNECTIONS), context.get(IDLE_TIMEOUT)),
                        socket -> discard(socket, bytes)),
                udp -> UdpServer.start(udp, 0, (request, source, reply) -> false));
    }

    static void discard(TcpConnection connection, LongAdder bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        int n;
        while ((n = connection.read(buffer.clear())) >= 0) {
            bytes.add(n);
        }
    }
}
