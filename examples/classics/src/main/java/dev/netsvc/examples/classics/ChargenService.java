package dev.netsvc.examples.classics;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.TcpConnection;
import dev.netsvc.core.net.TcpKeys;
import dev.netsvc.core.udp.UdpHandler;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;

import org.pf4j.Extension;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 864 character generator. Over TCP it sends the RFC's rotating 72-character lines until the client
 * goes away (a client that stops reading just fills the TCP window: the thread waits, nothing piles up).
 * Over UDP each datagram is answered with 0 to 512 characters: the classic amplification source, so UDP
 * runs behind core's UdpServer, whose per-source and global rate limits and loop check bound it.
 */
@Extension
public final class ChargenService implements NetService {

    static final int PORT = 1919;
    static final int LINE_LENGTH = 72;
    static final int MAX_DATAGRAM = 512;
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(100);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("1m");

    /** The 95 printable ASCII characters; line i starts at the i-th and wraps. */
    private static final int CHARS = 95;
    /** One full cycle of 95 lines (72 characters and CRLF each), twice, so any slice up to a cycle is contiguous. */
    private static final byte[] CYCLES = cycles();

    @Override
    public String id() {
        return "chargen";
    }

    @Override
    public String description() {
        return "RFC 864 character generator (TCP stream, UDP one datagram per request)";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP, Transport.UDP);
    }

    @Override
    public int defaultPort() {
        return PORT;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(MAX_CONNECTIONS, IDLE_TIMEOUT));
        keys.addAll(UdpLimits.KEYS);
        return keys;
    }

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        // tag::udp[]
        // TCP, then UDP on the port TCP got (both share it even when port 0 was asked for), behind core's
        // UdpServer, whose loop check and rate limits keep a forged source from making it a reflector;
        // core closes TCP if UDP cannot start, and stops (or stops accepting on) both
        return RunningService.tcpThenUdp(context,
                tcp -> BlockingTcpServer.start(tcp,
                        new BlockingTcpServer.Limits(context.get(MAX_CONNECTIONS), context.get(IDLE_TIMEOUT)),
                        ChargenService::stream),
                udp -> UdpServer.start(udp, MAX_DATAGRAM, datagram()));
        // end::udp[]
    }

    /** Writes lines until the client closes, or the server stops (it ends the connection's input). */
    static void stream(TcpConnection connection) throws IOException {
        OutputStream out = connection.output();
        int cycle = CYCLES.length / 2;
        while (!connection.isInputShutdown()) {
            out.write(CYCLES, 0, cycle);
        }
    }

    static UdpHandler datagram() {
        return (request, source, reply) -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int start = random.nextInt(CHARS) * (LINE_LENGTH + 2);
            reply.put(CYCLES, start, random.nextInt(MAX_DATAGRAM + 1));
            return true;
        };
    }

    /** The {@code i}-th line of the RFC's pattern, with its CRLF. */
    static byte[] line(int i) {
        byte[] line = new byte[LINE_LENGTH + 2];
        for (int c = 0; c < LINE_LENGTH; c++) {
            line[c] = (byte) (' ' + (i + c) % CHARS);
        }
        line[LINE_LENGTH] = '\r';
        line[LINE_LENGTH + 1] = '\n';
        return line;
    }

    private static byte[] cycles() {
        int size = LINE_LENGTH + 2;
        byte[] all = new byte[2 * CHARS * size];
        for (int i = 0; i < 2 * CHARS; i++) {
            System.arraycopy(line(i), 0, all, i * size, size);
        }
        return all;
    }
}
