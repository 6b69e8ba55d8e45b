package ${package};

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
 * The {@code ${serviceId}} service: answers every line it receives with the line reversed, over TCP, with
 * one virtual thread per connection. Replace {@link #serve} with your protocol.
 */
// tag::service[]
@Extension
public final class ReverseService implements NetService {

    static final int DEFAULT_PORT = ${port};

    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(1000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("1m");
    static final ConfigKey<Integer> MAX_LINE = ConfigKey.integer("max-line", 1024, 1, 65_536,
            "longest line accepted, in bytes; a longer one closes the connection");

    @Override
    public String id() {
        return "${serviceId}"; // lower-case letters, digits and '-'
    }

    @Override
    public String description() {
        return "answers each line reversed";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public int defaultPort() {
        return DEFAULT_PORT;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        return List.of(MAX_CONNECTIONS, IDLE_TIMEOUT, MAX_LINE); // ${serviceId}.max-line, ...
    }

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        int maxLine = context.get(MAX_LINE);
        BlockingTcpServer server = BlockingTcpServer.start(context,
                new BlockingTcpServer.Limits(context.get(MAX_CONNECTIONS), context.get(IDLE_TIMEOUT)),
                connection -> serve(connection, maxLine));
        return RunningService.of(List.of(server.endpoint()), server::stop);
    }

    /** One connection, on its own virtual thread; the server closes it when this returns. */
    static void serve(TcpConnection connection, int maxLine) throws IOException {
        InputStream in = new BufferedInputStream(connection.input());
        OutputStream out = connection.output();
        String line;
        while ((line = SocketIo.readLine(in, maxLine)) != null) {
            out.write((reverse(line) + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** readLine decodes ISO-8859-1 so no byte is lost; the line is UTF-8 text. */
    static String reverse(String line) {
        String text = new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        return new StringBuilder(text).reverse().toString();
    }
}
// end::service[]
