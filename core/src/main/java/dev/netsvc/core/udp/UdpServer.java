package dev.netsvc.core.udp;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.Latencies;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.internal.Sockets;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A UDP service's serving loop: one platform thread receives a datagram, asks the {@link UdpGuard}
 * whether to answer it, asks the {@link UdpHandler} for the reply and sends it back to the source.
 *
 * <p>Memory is fixed when it starts: one receive buffer that holds the largest possible datagram (so a
 * request is never silently truncated) and one reply buffer of {@code maxReply} bytes (so a reply can
 * never be larger than the protocol promises). A failing handler loses that one reply, nothing else.
 *
 * <p>The socket comes from the host (its own under the launcher): a replacing version of the service receives
 * from the same socket, so it is non-blocking and the thread waits on a selector of its own, which
 * {@link #stop} wakes up to stop receiving without closing the socket (interrupting a thread blocked in a
 * channel would close it). After each wake-up the thread receives until nothing is left, so a datagram
 * costs one receive more than with a blocking socket only when it arrives alone.
 *
 * <p>Counters: {@code udp.received}, {@code udp.replied}, {@code udp.failed} (handler threw or send
 * failed), the guard's {@code udp.dropped.*} and {@code udp.sources.forgotten}.
 */
public final class UdpServer implements RunningService {

    /** Larger than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6). */
    static final int RECEIVE_BUFFER = 65_536;

    /** How often an idle thread looks whether someone else closed the socket (closing wakes no selector). */
    private static final long CLOSED_CHECK_MILLIS = 1000;

    private final ServiceContext context;
    private final Logger log;
    private final DatagramChannel channel;
    private final Selector selector;
    private final InetSocketAddress local;
    private final UdpGuard guard;
    private final UdpHandler handler;
    private final int maxReply;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean receiving = true;
    private boolean released; // guarded by this
    private final Thread receiver;
    private final LongAdder received;
    private final LongAdder replied;
    private final LongAdder failed;
    private final Latencies durations;
    private boolean failureLogged;

    private UdpServer(ServiceContext context, DatagramChannel channel, Selector selector, UdpLimits limits,
                      int maxReply, UdpHandler handler) throws IOException {
        this.context = context;
        this.log = context.log();
        this.channel = channel;
        this.selector = selector;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        // tag::guard[]
        this.guard = UdpGuard.of(context, limits, local.getPort());
        // end::guard[]
        this.handler = handler;
        this.maxReply = maxReply;
        this.received = context.counters().counter(Counters.UDP_RECEIVED);
        this.replied = context.counters().counter(Counters.UDP_REPLIED);
        this.failed = context.counters().counter(Counters.UDP_FAILED);
        this.durations = context.counters().histogram(Counters.UDP_REQUEST_SECONDS);
        this.receiver = Thread.ofPlatform().name(context.serviceId() + "-udp").daemon(true).unstarted(this::receive);
    }

    /**
     * Gets the socket of {@code context.address()} from the host and starts serving,
     * with the limits the service was configured with: the service must declare {@link UdpLimits#KEYS}
     * among its keys.
     *
     * @param maxReply the largest reply the protocol allows, in bytes
     */
    public static UdpServer start(ServiceContext context, int maxReply, UdpHandler handler) throws IOException {
        return start(context, UdpLimits.from(context.settings()), maxReply, handler);
    }

    /** Like {@link #start(ServiceContext, int, UdpHandler)} with limits given directly. */
    public static UdpServer start(ServiceContext context, UdpLimits limits, int maxReply, UdpHandler handler)
            throws IOException {
        if (maxReply < 0 || maxReply > RECEIVE_BUFFER) {
            throw new IllegalArgumentException("maxReply must be 0.." + RECEIVE_BUFFER + ", not " + maxReply);
        }
        DatagramChannel channel = HostAccess.listeners(context).udp(context.address());
        Selector selector = null;
        try {
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            UdpServer server = new UdpServer(context, channel, selector, limits, maxReply, handler);
            server.receiver.start();
            return server;
        } catch (IOException | RuntimeException e) {
            Sockets.closeQuietly(selector); // before the release: a registered channel closes only once deregistered
            HostAccess.listeners(context).release(channel);
            throw e;
        }
    }

    public Endpoint endpoint() {
        return new Endpoint(Transport.UDP, local);
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(endpoint());
    }

    /** The receiving thread: a loop that ends other than by {@link #stopAccepting} or {@link #stop} is the service's death. */
    private void receive() {
        try (selector) {
            receiveLoop();
        } catch (IOException | RuntimeException | Error e) {
            if (receiving) {
                context.failed(e);
            }
            return;
        }
        if (receiving) {
            context.failed(new java.io.IOException("UDP socket on " + endpoint() + " was closed"));
        }
    }

    private void receiveLoop() throws IOException {
        ByteBuffer in = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
        ByteBuffer request = in.asReadOnlyBuffer();
        ByteBuffer reply = ByteBuffer.allocateDirect(maxReply);
        while (receiving) {
            selector.select(CLOSED_CHECK_MILLIS);
            selector.selectedKeys().clear();
            if (!channel.isOpen()) {
                return; // closed by someone else: stop() releases it only after this thread ended
            }
            // until nothing is left: another copy sharing the socket may have taken it first
            while (receiving) {
                in.clear();
                InetSocketAddress source;
                try {
                    source = (InetSocketAddress) channel.receive(in);
                } catch (ClosedChannelException e) {
                    return;
                } catch (PortUnreachableException e) {
                    continue; // an ICMP error about an earlier reply: the client has gone, nothing to do
                } catch (IOException e) {
                    if (!receiving) {
                        return;
                    }
                    log.warn("UDP receive on {} failed: {}", endpoint(), e.toString());
                    pause();
                    break;
                }
                if (source == null) {
                    break;
                }
                received.increment();
                // tag::admit[]
                if (!guard.admit(source)) {
                    continue; // dropped, and counted under its reason
                }
                // end::admit[]
                long start = System.nanoTime();
                request.clear().limit(in.position());
                reply.clear();
                if (answer(request, source, reply)) {
                    send(reply.flip(), source);
                }
                durations.recordNanos(System.nanoTime() - start);
            }
        }
    }

    private boolean answer(ByteBuffer request, InetSocketAddress source, ByteBuffer reply) {
        try {
            return handler.handle(request, source, reply);
        } catch (RuntimeException | Error e) {
            failed.increment();
            // a datagram that breaks the handler can be sent again and again: the stack trace once
            if (!failureLogged) {
                failureLogged = true;
                log.error("UDP handler failed on a datagram from {} (further failures are only counted)", source, e);
            } else {
                log.debug("UDP handler failed on a datagram from {}: {}", source, e.toString());
            }
            return false;
        }
    }

    /**
     * Sends {@code reply} to {@code source}, counted as {@code udp.replied} (or {@code udp.failed}): what
     * the receive loop does with the reply a handler put, and what a handler that answers later, from
     * another thread (an exec service's program), does itself after returning false. Thread-safe; a reply
     * after {@link #stop} is lost, as any datagram may be.
     */
    public void send(ByteBuffer reply, InetSocketAddress source) {
        try {
            channel.send(reply, source);
            replied.increment();
        } catch (ClosedChannelException e) {
            // stopping: this reply is lost, as any UDP datagram may be
        } catch (IOException e) {
            failed.increment();
            log.debug("UDP reply to {} failed: {}", source, e.toString());
        }
    }

    /**
     * Receives nothing more: the thread stops receiving (a datagram it holds is still answered), and the
     * socket goes back to the host, where a datagram not yet received waits for a newer
     * copy of the service that receives from it. Returns once the thread has ended, or after a second
     * (a handler that blocks).
     */
    @Override
    public void stopAccepting() {
        endReceiving(Duration.ofSeconds(1));
    }

    /**
     * Ends the receive loop and gives the socket back, once, waiting for the thread at most {@code wait};
     * false when it had been done already.
     */
    private synchronized boolean endReceiving(Duration wait) {
        if (released) {
            return false;
        }
        receiving = false;
        selector.wakeup();
        try {
            receiver.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        released = true;
        HostAccess.listeners(context).release(channel);
        return true;
    }

    /**
     * Stops serving: stops receiving (if {@link #stopAccepting} did not already), waits up to {@code grace}
     * (at least a second) for the receive thread to end, and gives the socket back to
     * the host, which closes it unless a replacing version receives from it. A datagram
     * already received is answered; one not yet received stays in the socket for the replacing version. A
     * reply being computed when the wait runs out is lost, as any datagram may be.
     */
    @Override
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Duration wait = grace.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : grace;
        boolean waited = endReceiving(wait);
        try {
            if (!waited) {
                receiver.join(wait); // stopAccepting waited a second: the rest of the grace now
            }
            if (receiver.isAlive()) {
                // a blocked handler; the socket is non-blocking, so this cannot close it for the other copy
                receiver.interrupt();
                receiver.join(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (receiver.isAlive()) {
            log.warn("{} UDP thread still running after stop (a handler is blocked)", context.serviceId());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50); // not synchronisation: a back-off so a persistent socket error does not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
