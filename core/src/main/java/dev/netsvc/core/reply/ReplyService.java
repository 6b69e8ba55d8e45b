package dev.netsvc.core.reply;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Counters;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.TcpKeys;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A service whose answer does not depend on the question, like inetd's daytime, time and qotd. Over TCP
 * it sends the reply as soon as a client connects, ignores any input and closes without losing the
 * reply ({@link dev.netsvc.core.net.TcpConnection#closeLingering}, for at most {@link #LINGER}); over UDP it answers each datagram the {@link dev.netsvc.core.udp.UdpGuard}
 * admits, whatever it contains. Both listen on the service's port.
 *
 * <p>A subclass passes its id, description, default port and largest reply to the constructor, and
 * says in {@link #open} what makes each reply. Mark the subclass with {@code @Extension}.
 */
public abstract class ReplyService implements NetService {

    public static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(1000);
    public static final ConfigKey<Duration> LINGER = ConfigKey.duration("linger", "2s", Duration.ZERO,
            Duration.ofMinutes(1), "after a TCP reply, how long to wait for the client to close before closing anyway");

    private final String id;
    private final String description;
    private final int defaultPort;
    private final int maxReply;

    /**
     * @param maxReply the largest reply in bytes; a UDP reply is never larger (a larger one is counted
     *                 and not sent)
     */
    protected ReplyService(String id, String description, int defaultPort, int maxReply) {
        this.id = id;
        this.description = description;
        this.defaultPort = defaultPort;
        this.maxReply = maxReply;
    }

    /** The service's own keys, besides the TCP and UDP limits every reply service has. */
    protected List<ConfigKey<?>> serviceKeys() {
        return List.of();
    }

    /**
     * Prepares a run (loads files, reads settings) and returns what makes each reply. The supplier is
     * called on many threads at once and must not block. Throw {@link dev.netsvc.core.ConfigException}
     * for a setting that cannot be used.
     */
    protected abstract Supplier<byte[]> open(ServiceContext context) throws IOException;

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final int defaultPort() {
        return defaultPort;
    }

    @Override
    public final Set<Transport> transports() {
        return Set.of(Transport.TCP, Transport.UDP);
    }

    @Override
    public final List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(serviceKeys());
        keys.add(MAX_CONNECTIONS);
        keys.add(LINGER);
        keys.addAll(UdpLimits.KEYS);
        return List.copyOf(keys);
    }

    @Override
    public final RunningService start(ServiceContext context) throws IOException {
        Supplier<byte[]> replies = open(context);
        Duration linger = context.get(LINGER);
        LongAdder tcpReplied = context.counters().counter(Counters.TCP_REPLIED);
        return RunningService.tcpThenUdp(context,
                tcp -> BlockingTcpServer.start(tcp, new BlockingTcpServer.Limits(tcp.get(MAX_CONNECTIONS), linger),
                        connection -> {
                            connection.write(ByteBuffer.wrap(replies.get()));
                            tcpReplied.increment();
                            connection.closeLingering(linger); // what the client sent must not reset the reply away
                        }),
                udp -> UdpServer.start(udp, maxReply, (request, source, reply) -> {
                    reply.put(replies.get());
                    return true;
                }));
    }
}
