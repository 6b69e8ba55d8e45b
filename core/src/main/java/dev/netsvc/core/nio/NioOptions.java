package dev.netsvc.core.nio;

import dev.netsvc.core.internal.Sockets;

import java.time.Duration;

/**
 * The limits of an {@link NioTcpServer}. Each has a defined outcome:
 * <table>
 * <caption>limits and what happens at them</caption>
 * <tr><th>limit</th><th>outcome</th></tr>
 * <tr><td>{@code loops}</td><td>event-loop threads; connections are spread over them</td></tr>
 * <tr><td>{@code maxConnections}</td><td>at the limit the server stops accepting; further clients wait in
 *     the kernel's listen backlog until a connection closes</td></tr>
 * <tr><td>{@code idleTimeout}</td><td>a connection with neither input nor output progress for this long is
 *     closed ({@link CloseReason#IDLE_TIMEOUT}); zero means never</td></tr>
 * <tr><td>{@code readBufferSize}</td><td>the most input a handler is shown at once (one buffer per loop,
 *     shared by its connections); a handler that leaves a full buffer unconsumed has its connection
 *     closed ({@link CloseReason#INPUT_LIMIT})</td></tr>
 * <tr><td>{@code maxPendingOutput}</td><td>when this much output waits for a slow reader, the connection
 *     stops reading (backpressure) until the output has drained</td></tr>
 * <tr><td>{@code backlog}</td><td>listen backlog (the kernel caps it at net.core.somaxconn)</td></tr>
 * </table>
 */
public record NioOptions(int loops, int maxConnections, Duration idleTimeout, int readBufferSize,
                         int maxPendingOutput, int backlog) {

    public NioOptions {
        require(loops >= 1 && loops <= 1024, "loops must be 1..1024, was " + loops);
        require(maxConnections >= 1, "maxConnections must be at least 1, was " + maxConnections);
        require(idleTimeout != null && idleTimeout.isPositive(), "idleTimeout must be positive");
        require(readBufferSize >= 64, "readBufferSize must be at least 64 bytes, was " + readBufferSize);
        require(maxPendingOutput >= 1, "maxPendingOutput must be at least 1 byte, was " + maxPendingOutput);
        require(backlog >= 1, "backlog must be at least 1, was " + backlog);
    }

    /** One loop per core, 10,000 connections, 5 minutes idle, 64 KiB read buffer, 64 KiB pending output. */
    public static NioOptions defaults() {
        return new NioOptions(Runtime.getRuntime().availableProcessors(), 10_000, Duration.ofMinutes(5),
                64 << 10, 64 << 10, Sockets.DEFAULT_BACKLOG);
    }

    /** {@code 0} means one loop per core (what a {@code loops} key of 0 asks for). */
    public NioOptions withLoops(int loops) {
        int n = loops == 0 ? Runtime.getRuntime().availableProcessors() : loops;
        return new NioOptions(n, maxConnections, idleTimeout, readBufferSize, maxPendingOutput, backlog);
    }

    public NioOptions withMaxConnections(int max) {
        return new NioOptions(loops, max, idleTimeout, readBufferSize, maxPendingOutput, backlog);
    }

    public NioOptions withIdleTimeout(Duration timeout) {
        return new NioOptions(loops, maxConnections, timeout, readBufferSize, maxPendingOutput, backlog);
    }

    public NioOptions withReadBufferSize(int size) {
        return new NioOptions(loops, maxConnections, idleTimeout, size, maxPendingOutput, backlog);
    }

    public NioOptions withMaxPendingOutput(int size) {
        return new NioOptions(loops, maxConnections, idleTimeout, readBufferSize, size, backlog);
    }

    public NioOptions withBacklog(int backlog) {
        return new NioOptions(loops, maxConnections, idleTimeout, readBufferSize, maxPendingOutput, backlog);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
