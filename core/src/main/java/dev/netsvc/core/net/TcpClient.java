package dev.netsvc.core.net;

import dev.netsvc.core.ClientException;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/**
 * The steps every TCP client takes the same way, once: connect to the target within the timeout (then
 * every read times out after it too, and small writes go at once), talk, close; and any socket failure
 * explained in plain words that name the target ({@link ClientException#explain}), which netsvc prints
 * (exit 1).
 * <pre>{@code
 * HostPort target = call.target(0, DEFAULT_PORT);               // HOST[:PORT], or a usage error
 * String answer = TcpClient.exchange(target, call.timeout(), socket -> {
 *     socket.getOutputStream().write(request);
 *     return SocketIo.readLine(new BufferedInputStream(socket.getInputStream()), 1024);
 * });
 * }</pre>
 */
public final class TcpClient {

    /** What a client does over its connection; a {@link ClientException} it throws goes through as it is. */
    @FunctionalInterface
    public interface Exchange<T> {
        T over(Socket socket) throws IOException;
    }

    private TcpClient() {
    }

    /**
     * Connects to {@code target}, runs {@code exchange} over the connection and closes it.
     *
     * @throws ClientException naming {@code target} when connecting or talking fails
     */
    public static <T> T exchange(HostPort target, Duration timeout, Exchange<T> exchange) {
        try (Socket socket = connect(target, timeout)) {
            return exchange.over(socket);
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
