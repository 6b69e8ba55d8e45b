package dev.netsvc.core.udp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Answers one datagram for a {@link UdpServer}. It runs on the server's single receive thread, so it
 * must not block; it is only called for datagrams the {@link UdpGuard} admitted.
 *
 * <pre>{@code
 * UdpHandler echo = (request, source, reply) -> { reply.put(request); return true; };   // RFC 862
 * UdpHandler time = (request, source, reply) -> { reply.putInt(secondsSince1900()); return true; };
 * }</pre>
 */
@FunctionalInterface
public interface UdpHandler {

    /**
     * @param request the datagram's payload, from position 0 to its limit; read-only, and valid only
     *                during this call
     * @param source  where it came from (the reply goes there)
     * @param reply   an empty buffer whose capacity is the largest reply the service promises; put the
     *                reply into it. Writing more throws {@link java.nio.BufferOverflowException}: the
     *                datagram is then counted as failed and nothing is sent.
     * @return true to send what was put into {@code reply} (possibly nothing: an empty datagram), false
     *         to send no reply at all
     */
    boolean handle(ByteBuffer request, InetSocketAddress source, ByteBuffer reply);
}
