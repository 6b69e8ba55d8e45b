package dev.netsvc.core.reply;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.Transport;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.core.net.TcpClient;
import dev.netsvc.core.tls.TlsClient;
import dev.netsvc.core.net.UdpClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client side of a {@link ReplyService}: {@code netsvc call NAME HOST[:PORT] [--tcp | --udp]} asks
 * once and prints the answer. Over TCP it connects and reads until the server closes; over UDP it sends
 * a datagram and waits {@code --timeout} for the answer, asking again up to {@code --retries} times,
 * because datagrams get lost. Failures are explained through {@link SocketErrors}.
 *
 * <p>A subclass passes its name, description, default port and transport to the constructor; the
 * answer is printed as text unless it overrides {@link #show}. Mark it with {@code @Extension}.
 */
public abstract class ReplyClient implements NetClient {

    private static final ClientOption TCP = ClientOption.flag("tcp", null, "ask over TCP instead of UDP");
    private static final ClientOption UDP = ClientOption.flag("udp", null,
            "ask over UDP instead of TCP (asked again when no answer comes, see --retries)");

    /**
     * The request datagram. The content is ignored by the protocols, but it must not be empty: the JDK
     * sends nothing at all for an empty buffer on a connected socket, and only a connected socket learns
     * that nothing listens (ICMP port unreachable).
     */
    private static final byte[] UDP_REQUEST = {'\n'};

    /**
     * What came back.
     *
     * @param sent     when the request left (TCP: when the connection was established)
     * @param received when the answer was complete
     * @param from     {@code udp HOST:PORT} or {@code tcp HOST:PORT}, for messages
     * @param cut      the server sent more than the client's limit; {@code bytes} holds the first part
     */
    public record Answer(byte[] bytes, Instant sent, Instant received, String from, boolean cut) {
        /** The middle of the exchange: the best guess of the local time at which the server answered. */
        public Instant midpoint() {
            return sent.plus(Duration.between(sent, received).dividedBy(2));
        }

        /** What came, for messages: "31 bytes of text", "4 bytes of binary data", "more than 512 bytes". */
        public String describe() {
            if (cut) {
                return "more than " + bytes.length + " bytes";
            }
            String size = bytes.length == 1 ? "1 byte" : bytes.length + " bytes";
            return bytes.length == 0 ? "nothing" : size + (isText(bytes) ? " of text" : " of binary data");
        }
    }

    private final String name;
    private final String description;
    private final int defaultPort;
    private final Transport defaultTransport;
    private final int maxReply;

    /**
     * @param defaultPort      used when the target names no port
     * @param defaultTransport used unless the user asks for the other one
     * @param maxReply         the longest answer accepted; reading stops just past it, and a longer
     *                         answer is {@link Answer#cut() cut}
     */
    protected ReplyClient(String name, String description, int defaultPort, Transport defaultTransport, int maxReply) {
        this.name = name;
        this.description = description;
        this.defaultPort = defaultPort;
        this.defaultTransport = defaultTransport;
        this.maxReply = maxReply;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    /**
     * Prints the answer to {@code invocation.out()}; throws {@link ClientException} if it makes no sense.
     * By default: the answer as {@link #printable} text; an empty answer, one longer than the limit or
     * one that is not text (see {@link #isText}) is a failure, never a success with junk on the screen.
     */
    protected void show(Answer answer, ClientInvocation invocation) {
        if (answer.bytes().length == 0) {
            throw new ClientException(answer.from() + " answered with nothing; does it speak " + name + "?");
        }
        if (answer.cut() || !isText(answer.bytes())) {
            throw new ClientException(answer.from() + " sent " + answer.describe() + "; a " + name
                    + " answer is text of at most " + maxReply + " bytes: does it speak " + name + "?");
        }
        invocation.out().print(printable(answer.bytes()));
    }

    /**
     * Whether {@code bytes} read as text: UTF-8 (so ASCII too) without control characters other than TAB,
     * CR and LF. Binary protocols (an RFC 868 time, a TLS record) fail this almost always.
     */
    public static boolean isText(byte[] bytes) {
        for (byte b : bytes) {
            if ((b >= 0 && b < 0x20 && b != '\t' && b != '\r' && b != '\n') || b == 0x7F) {
                return false;
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public String usage() {
        return defaultTransport == Transport.UDP ? "HOST[:PORT] [--tcp] [--retries N] [--tls ...]"
                : "HOST[:PORT] [--udp [--retries N]] [--tls ...]";
    }

    @Override
    public List<ClientOption> options() {
        List<ClientOption> options = new ArrayList<>(List.of(defaultTransport == Transport.UDP ? TCP : UDP, UdpClient.RETRIES));
        options.addAll(TlsClient.OPTIONS); // over TCP
        return List.copyOf(options);
    }

    private Transport other() {
        return defaultTransport == Transport.UDP ? Transport.TCP : Transport.UDP;
    }

    @Override
    public final int run(ClientInvocation invocation) {
        invocation.atMostArguments(1);
        HostPort target = invocation.target(0, defaultPort);
        boolean tls = TlsClient.requested(invocation);
        Transport transport = invocation.has(other().label()) ? other() : defaultTransport;
        if (tls && transport == Transport.UDP) {
            if (invocation.has(UDP.longName())) {
                throw new UsageException("--tls is for TCP; --udp asks over UDP (DTLS is not supported)");
            }
            transport = Transport.TCP; // --tls asks over TCP
        }
        UdpClient.attempts(invocation); // a bad --retries is a usage error whichever the transport
        Answer answer = transport == Transport.TCP ? overTcp(target, invocation, tls) : overUdp(target, invocation);
        show(answer, invocation);
        return 0;
    }

    private Answer overTcp(HostPort target, ClientInvocation invocation, boolean tls) {
        Clock clock = invocation.clock();
        return TcpClient.exchange(invocation, target, tls, List.of(), (socket, to) -> {
            // the server answers once it has accepted, half a round trip after connect returned here: the
            // middle of this and the answer's arrival is when it answered
            Instant sent = clock.instant();
            // one byte over the limit tells an answer that fits from one that was cut
            byte[] bytes = readUpTo(socket.getInputStream(), maxReply + 1);
            boolean cut = bytes.length > maxReply;
            return new Answer(cut ? Arrays.copyOf(bytes, maxReply) : bytes, sent, clock.instant(), "tcp " + target, cut);
        });
    }

    /**
     * Reads until the server closes or {@code max} bytes came. A server that sent its answer but does
     * not close in time still counts as having answered.
     */
    private static byte[] readUpTo(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 1024));
        byte[] buffer = new byte[Math.min(max, 8192)];
        try {
            int n;
            while (out.size() < max && (n = in.read(buffer, 0, Math.min(buffer.length, max - out.size()))) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            if (out.size() == 0) {
                throw e;
            }
        }
        return out.toByteArray();
    }

    private Answer overUdp(HostPort target, ClientInvocation invocation) {
        UdpClient.Reply reply = UdpClient.request(target, ByteBuffer.wrap(UDP_REQUEST), maxReply, invocation,
                defaultTransport == Transport.UDP ? "--tcp" : "without --udp");
        return new Answer(reply.bytes(), reply.sent(), reply.received(), "udp " + target, reply.cut());
    }

    /**
     * The answer as text that is safe to print: printable ASCII, TAB and line ends pass (CRLF becomes
     * the local newline); any other byte is shown as {@code \xNN}, so a hostile server cannot send
     * terminal escape sequences through us. Ends with a newline.
     */
    public static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length + 1);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean crlf = b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n';
            if (crlf) {
                continue;
            }
            if (b == '\n') {
                out.append(System.lineSeparator());
            } else if (b == '\t' || (b >= 0x20 && b < 0x7F)) {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        if (out.isEmpty() || bytes[bytes.length - 1] != '\n') {
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
