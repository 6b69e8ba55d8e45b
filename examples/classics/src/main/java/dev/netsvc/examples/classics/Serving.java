package dev.netsvc.examples.classics;

import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.udp.UdpHandler;
import dev.netsvc.core.udp.UdpServer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** How these services run: TCP with a thread per connection, and optionally UDP on the same port. */
final class Serving {

    private Serving() {
    }

    static RunningService tcp(BlockingTcpServer tcp) {
        return RunningService.of(List.of(tcp.endpoint()), tcp::stop);
    }

    /**
     * UDP beside an already started TCP server, on the port TCP got (so both share it even when port 0
     * was asked for), behind core's UdpServer: its loop check and rate limits keep a forged source from
     * turning the service into a reflector.
     */
    // tag::udp[]
    static RunningService tcpAndUdp(ServiceContext context, BlockingTcpServer tcp, int maxReply, UdpHandler handler)
            throws IOException {
        UdpServer udp;
        try {
            udp = UdpServer.start(context.withPort(tcp.endpoint().port()), maxReply, handler);
        } catch (IOException | RuntimeException e) {
            tcp.stop(Duration.ZERO);
            throw e;
        }
        return RunningService.of(List.of(tcp.endpoint(), udp.endpoint()), grace -> {
            udp.stop(grace);
            tcp.stop(grace);
        });
    }
    // end::udp[]
}
