package dev.netsvc.core.net;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.tls.TlsClient;

import dev.netsvc.core.frame.FrameException;
import dev.netsvc.core.frame.FrameReader;
import dev.netsvc.core.frame.Framing;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.List;

/**
 * The steps every TCP client takes the same way, once: connect to the target within the timeout (then
 * every read times out after it too, and small writes go at once), talk, close; and any socket failure
 * explained in plain words that name the target ({@link ClientException#explain}), which netsvc prints
 * (exit 1). With {@code --tls} ({@link TlsClient}) the exchange talks over TLS, the server's certificate
 * verified, and sees a socket like any other.
 * <pre>{@code
 * // the first argument is HOST[:PORT] (a malformed one is a usage error), the timeout --timeout
 * String answer = TcpClient.exchange(call, DEFAULT_PORT, (socket, target) -> {
 *     socket.getOutputStream().write(request);
 *     return SocketIo.readLine(new BufferedInputStream(socket.getInputStream()), 1024);
 * });
 * }</pre>
 */
public final class TcpClient {

    /**
     * What a client does over its connection to {@code target} (for its messages); a
     * {@link ClientException} it throws goes through as it is.
     */
    @FunctionalInterface
    public interface Exchange<T> {
        T over(Socket socket, HostPort target) throws IOException;
    }

    private TcpClient() {
    }

    /**
     * The client steps for a client whose first argument is {@code HOST[:PORT]}: reads it
     * ({@link ClientInvocation#target}), then connects within {@code --timeout}, over TLS with {@code --tls}
     * (the client lists {@link TlsClient#OPTIONS} among its options), and runs {@code exchange}.
     *
     * @throws dev.netsvc.core.UsageException for a malformed target
     * @throws ClientException                naming the target when connecting or talking fails
     */
    public static <T> T exchange(ClientInvocation call, int defaultPort, Exchange<T> exchange) {
        return exchange(call, call.target(0, defaultPort), TlsClient.requested(call), List.of(), exchange);
    }

    /**
     * Connects to {@code target} within {@code --timeout}, over TLS when {@code tls} (with the invocation's
     * TLS options, offering {@code alpn}), runs {@code exchange} over the connection and closes it.
     *
     * @throws ClientException naming {@code target} when connecting, the handshake or talking fails
     */
    public static <T> T exchange(ClientInvocation call, HostPort target, boolean tls, List<String> alpn, Exchange<T> exchange) {
        if (!tls) {
            return exchange(target, call.timeout(), exchange);
        }
        javax.net.ssl.SSLContext context = TlsClient.context(call); // a bad file is a usage error before connecting
        boolean verify = !call.has(TlsClient.INSECURE.longName());
        try (Socket socket = TlsClient.over(connect(target, call.timeout()), target, context, verify, alpn)) {
            return exchange.over(socket, target);
        } catch (IOException e) {
            throw ClientException.explain(e, target);
        }
    }

    /**
     * Connects to {@code target}, runs {@code exchange} over the connection and closes it.
     *
     * @throws ClientException naming {@code target} when connecting or talking fails
     */
    public static <T> T exchange(HostPort target, Duration timeout, Exchange<T> exchange) {
        try (Socket socket = connect(target, timeout)) {
            return exchange.over(socket, target);
        } catch (IOException e) {
            throw ClientException.explain(e, target);
        }
    }

    /**
     * "Send a request, read a framed reply": connects to {@code target} within {@code timeout}, sends
     * {@code request} framed, reads one framed reply (each read waiting at most {@code timeout}) and
     * closes. Returns the reply's payload.
     * <pre>{@code
     * byte[] count = TcpClient.request(call.target(0, PORT), call.timeout(), Framing.lines(1024),
     *         ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
     * }</pre>
     *
     * @throws ClientException naming {@code target} when connecting or talking fails, when it closes
     *                         without answering, or when its answer is not a frame of {@code framing}
     */
    public static byte[] request(HostPort target, Duration timeout, Framing framing, ByteBuffer request) {
        return exchange(target, timeout, (socket, to) -> {
            socket.getOutputStream().write(array(framing.encode(request)));
            ByteBuffer reply;
            try {
                reply = FrameReader.of(Channels.newChannel(socket.getInputStream()), framing).next();
            } catch (FrameException e) {
                throw new ClientException("the answer from tcp " + to + " is not " + framing + ": " + e.getMessage());
            }
            if (reply == null) {
                throw new ClientException("tcp " + to + " closed the connection without answering");
            }
            return array(reply);
        });
    }

    private static byte[] array(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return bytes;
    }

    /** A connected socket whose connect and reads time out after {@code timeout}, without Nagle's delay. */
    public static Socket connect(HostPort target, Duration timeout) throws IOException {
        int millis = (int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
        Socket socket = new Socket();
        try {
            socket.connect(target.resolve(), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
