package dev.netsvc.examples.classics;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.TcpConnection;
import dev.netsvc.core.net.TcpKeys;

import org.pf4j.Extension;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The tutorials' one-shot server: reads one message (one read of up to 1024 bytes, like their
 * {@code conn.recv(1024)}), answers "I am server." and closes.
 */
@Extension
public final class OneShotService implements NetService {

    static final int PORT = 9101;
    static final byte[] ANSWER = "I am server.".getBytes(StandardCharsets.US_ASCII);
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(1000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("30s");

    @Override
    public String id() {
        return "oneshot";
    }

    @Override
    public String description() {
        return "reads one message, answers I am server. and closes";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public int defaultPort() {
        return PORT;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        return List.of(MAX_CONNECTIONS, IDLE_TIMEOUT);
    }

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        return BlockingTcpServer.start(context,
                new BlockingTcpServer.Limits(context.get(MAX_CONNECTIONS), context.get(IDLE_TIMEOUT)),
                OneShotService::answer);
    }

    static void answer(TcpConnection connection) throws IOException {
        if (connection.read(ByteBuffer.allocate(1024)) >= 0) {
            connection.write(ByteBuffer.wrap(ANSWER));
        }
    }
}
