package dev.netsvc.examples.classics;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.frame.FrameReader;
import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.TcpConnection;
import dev.netsvc.core.net.TcpKeys;

import org.pf4j.Extension;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The socket tutorials' first server, with a thread per connection: "Welcome!" on connect, then
 * "Hello, NAME!" for each name, until the client sends {@code exit} or closes. A name ends at a newline
 * ({@code nc} users) or when the client pauses for 50 ms: the tutorial's client sends {@code michael}
 * without a newline and waits, as its server answers whatever one {@code recv()} returned.
 */
@Extension
public final class GreetingService implements NetService {

    static final int PORT = 9100;
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(1000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("5m");
    /** How long a client may pause in the middle of a name before what it sent is the name. */
    static final Duration PAUSE = Duration.ofMillis(50);
    static final ConfigKey<Integer> MAX_NAME = ConfigKey.integer("max-name", 256, 1, 65_536,
            "longest name, in bytes; a longer one closes the connection");

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
        Framing names = Framing.lines(context.get(MAX_NAME)).withPause(PAUSE);
        return BlockingTcpServer.start(context,
                new BlockingTcpServer.Limits(context.get(MAX_CONNECTIONS), context.get(IDLE_TIMEOUT)),
                connection -> greet(connection, names, context.clock()));
    }

    // tag::greet[]
    static void greet(TcpConnection connection, Framing names, Clock clock) throws IOException {
        connection.write(ByteBuffer.wrap("Welcome!\r\n".getBytes(StandardCharsets.US_ASCII)));
        FrameReader frames = FrameReader.of(connection, names, clock); // a line, or what came before a pause
        ByteBuffer frame;
        while ((frame = frames.next()) != null) {
            String name = StandardCharsets.UTF_8.decode(frame).toString().strip();
            if (name.equals("exit")) {
                return;
            }
            connection.write(names.encode("Hello, " + name + "!"));
        }
    }
    // end::greet[]
}
