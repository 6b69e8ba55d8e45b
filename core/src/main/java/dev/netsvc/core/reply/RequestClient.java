package dev.netsvc.core.reply;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.frame.FrameException;
import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.TcpClient;
import dev.netsvc.core.net.UdpClient;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The client of a {@link RequestReplyService}: {@code netsvc call NAME HOST[:PORT] TEXT... [--udp]} sends
 * one framed request and prints the framed reply. Over TCP through {@link TcpClient#request}; over UDP
 * through {@link UdpClient#request}, asked again up to {@code --retries} times. Every failure is said in
 * plain words naming the target; an answer that is not a frame of the framing is refused, never printed.
 * <pre>{@code
 * @Extension
 * public final class UpperClient extends RequestClient {
 *     public UpperClient() {
 *         super("upper", "have TEXT put in capitals", UpperService.PORT, Framing.lines(1024));
 *     }
 * }
 * }</pre>
 * By default the request is the arguments after the target joined by spaces (UTF-8), and the reply is
 * printed as text; override {@link #request} and {@link #show} for anything else.
 */
public abstract class RequestClient implements NetClient {

    private static final ClientOption UDP = ClientOption.flag("udp", null,
            "ask over UDP instead of TCP (asked again when no answer comes, see --retries)");

    private final String name;
    private final String description;
    private final int defaultPort;
    private final Framing framing;

    protected RequestClient(String name, String description, int defaultPort, Framing framing) {
        this.name = name;
        this.description = description;
        this.defaultPort = defaultPort;
        this.framing = framing;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public String usage() {
        return "HOST[:PORT] TEXT... [--udp [--retries N]]";
    }

    @Override
    public List<ClientOption> options() {
        return List.of(UDP, UdpClient.RETRIES);
    }

    /**
     * The request's payload: by default the arguments after {@code HOST[:PORT]}, joined by spaces, in UTF-8;
     * when there are none, the usage error names them as {@link #usage()} does ({@code missing WORD}).
     */
    protected ByteBuffer request(ClientInvocation call) {
        String[] usage = usage().split(" ");
        call.argument(1, usage.length > 1 && !usage[1].startsWith("[") ? usage[1].replace("...", "") : "TEXT");
        String text = String.join(" ", call.arguments().subList(1, call.arguments().size()));
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Prints the reply's payload; by default as text that is safe to print ({@link ReplyClient#printable}). */
    protected void show(byte[] reply, ClientInvocation call) {
        call.out().print(ReplyClient.printable(reply));
    }

    @Override
    public final int run(ClientInvocation call) {
        HostPort target = call.target(0, defaultPort);
        UdpClient.attempts(call); // a bad --retries is a usage error over TCP too
        ByteBuffer request = request(call);
        ByteBuffer framed;
        try {
            framed = framing.encode(request);
        } catch (IllegalArgumentException e) {
            throw new UsageException("the request cannot be sent: " + e.getMessage());
        }
        byte[] reply = call.has(UDP.longName()) ? overUdp(target, framed, call)
                : TcpClient.request(target, call.timeout(), framing, request);
        show(reply, call);
        return 0;
    }

    private byte[] overUdp(HostPort target, ByteBuffer framed, ClientInvocation call) {
        UdpClient.Reply reply = UdpClient.request(target, framed, framing.maxFrameBytes(), call, "without --udp");
        try {
            if (reply.cut()) {
                throw new FrameException(FrameException.Reason.TOO_LONG, "the datagram is longer than "
                        + framing.maxFrameBytes() + " bytes");
            }
            ByteBuffer payload = framing.single(ByteBuffer.wrap(reply.bytes()));
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            return bytes;
        } catch (FrameException e) {
            throw new ClientException("the answer from udp " + target + " is not " + framing + ": " + e.getMessage());
        }
    }
}
