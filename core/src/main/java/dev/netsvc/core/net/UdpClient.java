package dev.netsvc.core.net;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.UsageException;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * A client's request over UDP, the steps every one takes the same way: send a datagram on a
 * <em>connected</em> socket (so an ICMP "port unreachable" is reported, and answers from anyone else are
 * ignored), wait {@code --timeout} for the answer, ask again up to {@code --retries} times because
 * datagrams get lost (saying so on {@code call.err()}), and explain a failure in plain words naming the
 * target ({@link ClientException#explain}, or "no answer from udp HOST:PORT after 3 attempts ...").
 * <pre>{@code
 * UdpClient.Reply reply = UdpClient.request(call.target(0, PORT), ByteBuffer.wrap(request), 512, call, "--tcp");
 * }</pre>
 * A client using it declares {@link #RETRIES} among its options.
 */
public final class UdpClient {

    /** {@code --retries N}: how many times to ask again when no answer comes within {@code --timeout}. */
    public static final ClientOption RETRIES = ClientOption.value("retries", null, "N",
            "over UDP, how many times to ask again when no answer comes within --timeout (default 2)");

    private static final int DEFAULT_RETRIES = 2;
    private static final int MAX_RETRIES = 100;
    /** The largest UDP payload (IPv6 without jumbograms). */
    private static final int MAX_DATAGRAM = 65_527;

    /**
     * What came back.
     *
     * @param bytes    the answer, at most the {@code maxReply} asked for
     * @param cut      the datagram was longer: {@code bytes} is its first part
     * @param sent     when the request that was answered left
     * @param received when the answer came
     */
    public record Reply(byte[] bytes, boolean cut, Instant sent, Instant received) {
    }

    private UdpClient() {
    }

    /**
     * Sends {@code request} (its remaining bytes; not empty: a connected socket sends nothing at all for
     * an empty datagram) to {@code target} and returns the first answer, within {@code call.timeout()} per
     * attempt and {@link #attempts(ClientInvocation)} attempts, timed on {@code call.clock()}.
     *
     * @param maxReply    the longest answer accepted; a longer one comes back {@link Reply#cut() cut}
     * @param alternative what to try instead, for the hint when nothing answers ("--tcp"); null for nothing
     * @throws ClientException naming the target when no answer comes or the socket fails
     */
    public static Reply request(HostPort target, ByteBuffer request, int maxReply, ClientInvocation call,
                                String alternative) {
        if (!request.hasRemaining()) {
            throw new IllegalArgumentException("an empty datagram is never sent on a connected socket");
        }
        byte[] datagram = new byte[request.remaining()];
        request.duplicate().get(datagram);
        int attempts = attempts(call);
        Duration timeout = call.timeout();
        Clock clock = call.clock();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(target.resolve());
            socket.setSoTimeout((int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE));
            byte[] buffer = new byte[Math.min(maxReply + 1, MAX_DATAGRAM)]; // one byte more tells a cut answer
            for (int attempt = 1; attempt <= attempts; attempt++) {
                Instant sent = clock.instant();
                socket.send(new DatagramPacket(datagram, datagram.length));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                    boolean cut = packet.getLength() > maxReply;
                    return new Reply(Arrays.copyOf(buffer, Math.min(packet.getLength(), maxReply)), cut, sent,
                            clock.instant());
                } catch (SocketTimeoutException e) {
                    if (attempt < attempts) {
                        call.err().printf("no answer from udp %s within %d ms; asking again (%d of %d)%n",
                                target, timeout.toMillis(), attempt + 1, attempts);
                    }
                }
            }
        } catch (IOException e) {
            throw ClientException.explain(e, target);
        }
        throw new ClientException("no answer from udp " + target + " after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + " of " + timeout.toMillis() + " ms each"
                + "\n  hint: the service may not be running there, a firewall may drop UDP, or the server"
                + " rate-limits you; try " + (alternative == null ? "" : alternative + ", or ") + "a longer --timeout");
    }

    /**
     * How many times to ask: once, and {@code --retries} more (default {@value #DEFAULT_RETRIES}).
     *
     * @throws UsageException for a value that is not a number from 0 to 100
     */
    public static int attempts(ClientInvocation call) {
        String text = call.value(RETRIES.longName()).orElse(null);
        if (text == null) {
            return DEFAULT_RETRIES + 1;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 0 && n <= MAX_RETRIES) {
                return n + 1;
            }
        } catch (NumberFormatException e) {
            // the message below says what is valid
        }
        throw new UsageException("--retries: '" + text + "' is not a number from 0 to " + MAX_RETRIES);
    }
}
