package dev.netsvc.echo.async;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BufferBudget;
import dev.netsvc.core.net.TcpKeys;

import org.pf4j.Extension;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * RFC 862 echo on NIO.2 asynchronous channels, the Java counterpart of the classic tutorial's asyncio server:
 * completion handlers on one shared {@link java.nio.channels.AsynchronousChannelGroup}, one read in flight
 * per connection and the next read only once its echo is written, so memory per connection is one
 * buffer whatever the client does.
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

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        int threads = context.get(THREADS) == 0 ? Runtime.getRuntime().availableProcessors() : context.get(THREADS);
        AsyncEchoServer server = AsyncEchoServer.start(context, new AsyncEchoServer.Limits(threads,
                context.get(MAX_CONNECTIONS), context.get(IDLE_TIMEOUT), context.get(BUFFER_SIZE), context.get(BUFFER_BUDGET)));
        return RunningService.of(List.of(server.endpoint()), server::stop);
    }
}
