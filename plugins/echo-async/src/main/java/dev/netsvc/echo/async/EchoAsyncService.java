package dev.netsvc.echo.async;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Counters;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.async.AsyncHandler;
import dev.netsvc.core.async.AsyncTcpServer;
import dev.netsvc.core.net.BufferBudget;
import dev.netsvc.core.net.TcpKeys;

import org.pf4j.Extension;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * RFC 862 echo on NIO.2 asynchronous channels, the Java counterpart of the classic tutorial's asyncio
 * server: core's {@link AsyncTcpServer} (completion handlers on one shared channel group, one read in
 * flight per connection and the next read only once its echo is written, so memory per connection is one
 * buffer whatever the client does), with the echo as its handler.
 */
@Extension
public final class EchoAsyncService implements NetService {

    static final ConfigKey<Integer> THREADS = ConfigKey.integer("threads", 0, 0, 1024,
            "threads of the channel group that run the completion handlers; 0 means one per core");
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(10_000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("5m");
    static final ConfigKey<Integer> BUFFER_SIZE = BufferBudget.maxKey("256k");
    static final ConfigKey<Integer> BUFFER_BUDGET = BufferBudget.budgetKey("64m");

    @Override
    public String id() {
        return "echo-async";
    }

    @Override
    public String description() {
        return "RFC 862 echo, NIO.2 asynchronous channels";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public int defaultPort() {
        return 7009;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        return List.of(THREADS, MAX_CONNECTIONS, IDLE_TIMEOUT, BUFFER_SIZE, BUFFER_BUDGET);
    }

    // tag::start[]
    @Override
    public RunningService start(ServiceContext context) throws IOException {
        int threads = context.get(THREADS) == 0 ? Runtime.getRuntime().availableProcessors() : context.get(THREADS);
        AsyncHandler echo = echo(context.counters().counter(Counters.TCP_BYTES_ECHOED));
        AsyncTcpServer server = AsyncTcpServer.start(context, new AsyncTcpServer.Limits(threads,
                context.get(MAX_CONNECTIONS), context.get(IDLE_TIMEOUT), context.get(BUFFER_SIZE), context.get(BUFFER_BUDGET)),
                connection -> echo);
        return server; // an engine is a RunningService: stop, and stopAccepting when a newer copy takes over
    }

    /**
     * Writes back whatever arrives; the engine reads again once it is written, and when the client
     * half-closes (it has everything back by then) closes with FIN. One instance serves every connection.
     */
    static AsyncHandler echo(LongAdder bytes) {
        return (connection, input) -> {
            bytes.add(input.remaining());
            connection.write(input);
        };
    }
    // end::start[]
}
