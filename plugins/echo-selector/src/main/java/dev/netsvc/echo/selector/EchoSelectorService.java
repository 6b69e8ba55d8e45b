package dev.netsvc.echo.selector;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.nio.ConnectionHandler;
import dev.netsvc.core.nio.NioOptions;
import dev.netsvc.core.nio.NioTcpServer;

import org.pf4j.Extension;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * RFC 862 echo on NIO selector event loops: the seeds' {@code selectors} server (register, select,
 * {@code recv}, {@code send} what is left), made safe by core's {@link NioTcpServer}: a shared read buffer
 * per loop, output that waits for a slow reader bounded by {@code max-pending} (past it the server stops
 * reading from that client), half-close, the connection limit and the idle timeout.
 */
@Extension
public final class EchoSelectorService implements NetService {

    static final ConfigKey<Integer> LOOPS = ConfigKey.integer("loops", 0, 0, 1024,
            "event-loop threads; 0 means one per core");
    static final ConfigKey<Integer> MAX_CONNECTIONS = ConfigKey.integer("max-connections", 10_000, 1, 1_000_000,
            "clients served at once; more wait in the listen backlog");
    static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.duration("idle-timeout", "5m",
            Duration.ofMillis(100), Duration.ofDays(1), "close a connection after this long without input or output");
    static final ConfigKey<Integer> BUFFER_SIZE = ConfigKey.size("buffer-size", "64k", 512, 16 << 20,
            "largest read; one buffer per event loop, shared by its connections");
    static final ConfigKey<Integer> MAX_PENDING = ConfigKey.size("max-pending", "64k", 1, 16 << 20,
            "echo waiting for a slow reader; past it the server stops reading from that client");

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
        return Set.of(Transport.TCP);
    }

    @Override
    public int defaultPort() {
        return 7008;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        return List.of(LOOPS, MAX_CONNECTIONS, IDLE_TIMEOUT, BUFFER_SIZE, MAX_PENDING);
    }

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        NioOptions options = NioOptions.defaults()
                .withLoops(context.get(LOOPS))
                .withMaxConnections(context.get(MAX_CONNECTIONS))
                .withIdleTimeout(context.get(IDLE_TIMEOUT))
                .withReadBufferSize(context.get(BUFFER_SIZE))
                .withMaxPendingOutput(context.get(MAX_PENDING));
        ConnectionHandler echo = echo(context.counters().counter("tcp.bytes.echoed"));
        NioTcpServer tcp = NioTcpServer.start(context, options, connection -> echo);
        return new RunningService() {
            @Override
            public List<Endpoint> endpoints() {
                return List.of(tcp.endpoint());
            }

            @Override
            public void stop(Duration grace) {
                tcp.stop(grace);
            }
        };
    }

    /** Writes back whatever arrives; one instance serves every connection, so idle ones cost it nothing. */
    static ConnectionHandler echo(LongAdder bytes) {
        return (connection, input) -> {
            bytes.add(input.remaining());
            connection.write(input);
        };
    }
}
