package dev.netsvc.examples.classics;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.SocketIo;
import dev.netsvc.core.net.TcpConnection;
import dev.netsvc.core.net.TcpKeys;

import org.pf4j.Extension;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The socket tutorials' first server, with a thread per connection: "Welcome!" on connect, then
 * "Hello, NAME!" for each line, until the client sends {@code exit} or closes.
 */
@Extension
public final class GreetingService implements NetService {

    static final int PORT = 9100;
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(1000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("5m");
    static final ConfigKey<Integer> MAX_NAME = ConfigKey.integer("max-name", 256, 1, 65_536,
            "longest name line, in bytes; a longer one closes the connection");

    @Override
    public String id() {
        return "greeting";
    }

    @Override
    public String description() {
        return "the tutorial server: Welcome!, then Hello, NAME! per line, exit closes";
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
        return List.of(MAX_CONNECTIONS, IDLE_TIMEOUT, MAX_NAME);
    }

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        int maxName = context.get(MAX_NAME);
        return Serving.tcp(BlockingTcpServer.start(context,
                new BlockingTcpServer.Limits(context.get(MAX_CONNECTIONS), context.get(IDLE_TIMEOUT)),
                socket -> greet(socket, maxName)));
    }

    static void greet(TcpConnection connection, int maxName) throws IOException {
        InputStream in = new BufferedInputStream(connection.input());
        OutputStream out = connection.output();
        out.write("Welcome!\r\n".getBytes(StandardCharsets.US_ASCII));
        String line;
        while ((line = SocketIo.readLine(in, maxName)) != null) {
            String name = new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).strip();
            if (name.equals("exit")) {
                return;
            }
            out.write(("Hello, " + name + "!\r\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
