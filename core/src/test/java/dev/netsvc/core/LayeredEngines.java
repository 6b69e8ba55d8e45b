package dev.netsvc.core;

import dev.netsvc.core.internal.ServiceKeys;
import dev.netsvc.core.async.AsyncHandler;
import dev.netsvc.core.async.AsyncTcpServer;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.nio.Connection;
import dev.netsvc.core.nio.ConnectionHandler;
import dev.netsvc.core.nio.NioOptions;
import dev.netsvc.core.nio.NioTcpServer;
import dev.netsvc.core.tls.TlsPeer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Core's three engines started the same way for tests of the layers in front of their handlers (PROXY,
 * TLS): an echo, or a sender of one file, on loopback port 0, with the settings given (short key names,
 * as a service's). Each handler records what it sees of its connection when it starts: the remote address
 * and the TLS peer.
 */
final class LayeredEngines {

    enum Engine { BLOCKING, SELECTOR, ASYNC }

    /** What one connection's handler saw when it started. */
    record Seen(InetSocketAddress remote, TlsPeer tls) {
    }

    /** A running engine. */
    static final class Running implements AutoCloseable {
        final InetSocketAddress address;
        final Queue<Seen> seen;
        private final Consumer<Duration> stop;

        Running(InetSocketAddress address, Queue<Seen> seen, Consumer<Duration> stop) {
            this.address = address;
            this.seen = seen;
            this.stop = stop;
        }

        @Override
        public void close() {
            stop.accept(Duration.ofSeconds(2));
        }
    }

    private LayeredEngines() {
    }

    static ServiceContext context(String id, Map<String, String> settings, Clock clock, ServiceCounters counters) {
        Settings parsed = Settings.parse(id, ServiceKeys.withOwn(id, Set.of(Transport.TCP), List.of()), settings);
        return ServiceContext.builder(id).bind(InetAddress.getLoopbackAddress(), 0).settings(parsed).clock(clock)
                .counters(counters).build();
    }

    /** An echo: what comes goes back; at the end of input, everything is back and the connection closes. */
    static Running echo(Engine engine, ServiceContext context) throws IOException {
        Queue<Seen> seen = new ConcurrentLinkedQueue<>();
        Duration idle = Duration.ofMinutes(5);
        return switch (engine) {
            case BLOCKING -> {
                BlockingTcpServer server = BlockingTcpServer.start(context, new BlockingTcpServer.Limits(100, idle), c -> {
                    seen.add(new Seen(c.remoteAddress(), c.tls().orElse(null)));
                    ByteBuffer buffer = ByteBuffer.allocate(128); // smaller than a record: the session keeps the rest
                    while (c.read(buffer.clear()) >= 0) {
                        c.write(buffer.flip());
                    }
                    c.shutdownOutput();
                });
                yield new Running(server.endpoint().address(), seen, server::stop);
            }
            case SELECTOR -> {
                NioTcpServer server = NioTcpServer.start(context, NioOptions.defaults().withLoops(2).withIdleTimeout(idle), c -> {
                    seen.add(new Seen(c.remoteAddress(), c.tls().orElse(null)));
                    return (ConnectionHandler) Connection::write;
                });
                yield new Running(server.endpoint().address(), seen, server::stop);
            }
            case ASYNC -> {
                AsyncTcpServer server = AsyncTcpServer.start(context, new AsyncTcpServer.Limits(2, 100, idle, 64 << 10, 1 << 20), c -> {
                    seen.add(new Seen(c.remoteAddress(), c.tls().orElse(null)));
                    return (AsyncHandler) (connection, input) -> connection.write(input);
                });
                yield new Running(server.endpoint().address(), seen, server::stop);
            }
        };
    }

    /** Sends all of {@code file} as soon as the connection is served, then closes (blocking and selector engines). */
    static Running fileSender(Engine engine, ServiceContext context, Path file) throws IOException {
        Queue<Seen> seen = new ConcurrentLinkedQueue<>();
        Duration idle = Duration.ofMinutes(5);
        return switch (engine) {
            case BLOCKING -> {
                BlockingTcpServer server = BlockingTcpServer.start(context, new BlockingTcpServer.Limits(100, idle), c -> {
                    try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
                        long size = f.size();
                        for (long at = 0; at < size; ) {
                            at += c.transferFrom(f, at, size - at);
                        }
                    }
                    c.shutdownOutput();
                });
                yield new Running(server.endpoint().address(), seen, server::stop);
            }
            case SELECTOR -> {
                NioTcpServer server = NioTcpServer.start(context, NioOptions.defaults().withLoops(1).withIdleTimeout(idle), c -> {
                    FileSend send = new FileSend(FileChannel.open(file, StandardOpenOption.READ));
                    c.execute(() -> {
                        try {
                            send.onOutputDrained(c);
                        } catch (IOException e) {
                            c.abort();
                        }
                    });
                    return send;
                });
                yield new Running(server.endpoint().address(), seen, server::stop);
            }
            case ASYNC -> throw new IllegalArgumentException("the NIO.2 engine has no file transfer");
        };
    }

    /** A selector handler that sends a file as the socket takes it, then closes. */
    private static final class FileSend implements ConnectionHandler {
        private final FileChannel file;
        private long at;

        FileSend(FileChannel file) {
            this.file = file;
        }

        @Override
        public void onInput(Connection connection, ByteBuffer input) {
            input.position(input.limit());
        }

        @Override
        public void onOutputDrained(Connection connection) throws IOException {
            long size = file.size();
            while (at < size && connection.isOpen()) {
                long n = connection.transferFrom(file, at, size - at);
                if (n == 0) {
                    return; // onOutputDrained again once the socket took what waits
                }
                at += n;
            }
            if (at >= size && connection.isOpen()) {
                connection.close();
            }
        }

        @Override
        public void onClosed(Connection connection, dev.netsvc.core.nio.CloseReason reason) {
            try {
                file.close();
            } catch (IOException ignored) {
                // a test's file
            }
        }
    }
}
