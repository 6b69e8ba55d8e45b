package dev.netsvc.testkit;

import dev.netsvc.core.udp.UdpHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A {@link UdpHandler} asked in memory, as {@link dev.netsvc.core.udp.UdpServer} asks it for a datagram the
 * guard admitted: the request read-only, the reply into a buffer of {@code maxReply} bytes (writing more
 * throws {@link java.nio.BufferOverflowException}, as it makes the server count the datagram as failed).
 * The UDP counterpart of {@link EmbeddedConnection}.
 * <pre>{@code
 * assertEquals(Optional.of("desserts\r\n"), EmbeddedDatagram.answer(handler, 512, "stressed\n"));
 * }</pre>
 */
public final class EmbeddedDatagram {

    /** Where the pretend datagram comes from: loopback, an ephemeral port. */
    public static final InetSocketAddress SOURCE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);

    private EmbeddedDatagram() {
    }

    /** The reply {@code handler} sends to {@code request}, or empty when it sends none. */
    public static Optional<byte[]> answer(UdpHandler handler, int maxReply, byte[] request) {
        ByteBuffer reply = ByteBuffer.allocate(maxReply);
        if (!handler.handle(ByteBuffer.wrap(request.clone()).asReadOnlyBuffer(), SOURCE, reply)) {
            return Optional.empty();
        }
        byte[] bytes = new byte[reply.flip().remaining()];
        reply.get(bytes);
        return Optional.of(bytes);
    }

    /** {@link #answer(UdpHandler, int, byte[])} with UTF-8 text both ways. */
    public static Optional<String> answer(UdpHandler handler, int maxReply, String request) {
        return answer(handler, maxReply, request.getBytes(StandardCharsets.UTF_8))
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }
}
