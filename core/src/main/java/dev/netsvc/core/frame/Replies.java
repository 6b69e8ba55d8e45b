package dev.netsvc.core.frame;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Latencies;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.async.AsyncHandler;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.nio.ConnectionHandler;
import dev.netsvc.core.udp.UdpHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Replier} on each of core's engines: over TCP every framed request gets its framed reply, in
 * order, on a connection that stays open until the client closes it; over UDP each datagram is one
 * request and its reply one datagram, framed the same way ({@link Framing#single}), so one client speaks
 * both. A "one request, one reply" service is then a few lines, whichever engine it runs on:
 * <pre>{@code
 * Framing lines = Framing.lines(context.get(MAX_LINE));
 * Replier upper = Replier.text(line -> line.toUpperCase(Locale.ROOT));
 * return RunningService.tcpThenUdp(context,
 *         tcp -> NioTcpServer.start(tcp, NioOptions.defaults(), Replies.selector(tcp, lines, upper)),
 *         udp -> UdpServer.start(udp, lines.maxFrameBytes(), Replies.udp(udp, lines, upper)));
 * }</pre>
 *
 * <p>Each TCP reply counts in {@code tcp.replied} and each request's time, from the whole request to its
 * reply written (or queued), in {@code tcp.request.seconds}; a datagram the framing refuses is dropped as
 * {@code udp.dropped.malformed}. A request longer than the framing's limit closes its connection
 * ({@code tcp.connections.input-limit}, see {@link FrameException}).
 */
public final class Replies {

    private Replies() {
    }

    /** For the blocking engine ({@link BlockingTcpServer}): a thread per connection reads its requests. */
    public static BlockingTcpServer.Handler blocking(ServiceContext context, Framing framing, Replier replier) {
        Answering answering = new Answering(context, framing, replier);
        return connection -> {
            FrameReader requests = FrameReader.of(connection, framing, context.clock());
            ByteBuffer request;
            while ((request = requests.next()) != null) {
                ByteBuffer reply = answering.answer(request);
                if (reply != null) {
                    connection.write(reply);
                }
            }
        };
    }

    /** For the selector engine ({@link dev.netsvc.core.nio.NioTcpServer}, and the test kit's {@code EmbeddedConnection}). */
    public static ConnectionHandler.Factory selector(ServiceContext context, Framing framing, Replier replier) {
        Answering answering = new Answering(context, framing, replier);
        return Framed.selector(framing, (connection, request) -> {
            ByteBuffer reply = answering.answer(request);
            if (reply != null) {
                connection.write(reply);
            }
        });
    }

    /** For the NIO.2 engine ({@link dev.netsvc.core.async.AsyncTcpServer}). */
    public static AsyncHandler.Factory async(ServiceContext context, Framing framing, Replier replier) {
        Answering answering = new Answering(context, framing, replier);
        return Framed.async(framing, (connection, request) -> {
            ByteBuffer reply = answering.answer(request);
            if (reply != null) {
                connection.write(reply);
            }
        });
    }

    /**
     * For {@link dev.netsvc.core.udp.UdpServer}: a datagram is one request ({@link Framing#single}: a line
     * need not end with LF), the reply one datagram framed the same way. Start the server with a
     * {@code maxReply} of at least the framed replies' size ({@code framing.maxFrameBytes()} at most); a
     * longer reply is not sent and counts as {@code udp.failed}.
     */
    public static UdpHandler udp(ServiceContext context, Framing framing, Replier replier) {
        LongAdder malformed = context.counters().counter(Counters.UDP_DROPPED.member("malformed"));
        return (datagram, source, out) -> {
            ByteBuffer reply;
            try {
                reply = replier.reply(framing.single(datagram));
            } catch (FrameException e) {
                malformed.increment();
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (reply == null) {
                return false;
            }
            out.put(framing.encode(reply));
            return true;
        };
    }

    /** Answers a request over TCP: the framed reply, timed and counted. */
    private static final class Answering {
        private final Framing framing;
        private final Replier replier;
        private final LongAdder replied;
        private final Latencies durations;

        Answering(ServiceContext context, Framing framing, Replier replier) {
            this.framing = framing;
            this.replier = replier;
            this.replied = context.counters().counter(Counters.TCP_REPLIED);
            this.durations = context.counters().histogram(Counters.TCP_REQUEST_SECONDS);
        }

        /** The framed reply to {@code request}, or null for none. */
        ByteBuffer answer(ByteBuffer request) throws IOException {
            long start = System.nanoTime();
            ByteBuffer reply = replier.reply(request);
            ByteBuffer framed = reply == null ? null : framing.encode(reply);
            if (framed != null) {
                replied.increment();
            }
            durations.recordNanos(System.nanoTime() - start);
            return framed;
        }
    }
}
