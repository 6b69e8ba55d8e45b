package dev.netsvc.core.net;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/**
 * The steps every TCP client takes the same way, once: connect to the target within the timeout (then
 * every read times out after it too, and small writes go at once), talk, close; and any socket failure
 * explained in plain words that name the target ({@link ClientException#explain}), which netsvc prints
 * (exit 1).
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
     * ({@link ClientInvocation#target}), then {@link #exchange(HostPort, Duration, Exchange)} within
     * {@code --timeout}.
     *
     * @throws dev.netsvc.core.UsageException for a malformed target
     * @throws ClientException                naming the target when connecting or talking fails
     */
    public static <T> T exchange(ClientInvocation call, int defaultPort, Exchange<T> exchange) {
        return exchange(call.target(0, defaultPort), call.timeout(), exchange);
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
