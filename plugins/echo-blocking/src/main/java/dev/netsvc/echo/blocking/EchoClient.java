package dev.netsvc.echo.blocking;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.TcpClient;
import dev.netsvc.core.tls.TlsClient;

import org.pf4j.Extension;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * {@code netsvc call echo HOST[:PORT] [MESSAGE | -]}: the classic tutorial's echo client. With a MESSAGE it sends
 * that line, half-closes, and prints the reply (which must be the same bytes). With {@code -} (or no
 * message) it streams standard input to the server and the echo to standard output at the same time,
 * so input of any size goes through without either side waiting on the other.
 */
@Extension
public final class EchoClient implements NetClient {

    static final int DEFAULT_PORT = 7007;

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "send a line, or stream standard input ('-'), through an echo server";
    }

    @Override
    public String usage() {
        return "HOST[:PORT] [MESSAGE | -] [--tls [--cacert FILE] [--cert FILE --key FILE] [--insecure]]";
    }

    @Override
    public List<ClientOption> options() {
        return TlsClient.OPTIONS;
    }

    @Override
    public int run(ClientInvocation call) {
        call.atMostArguments(2);
        String message = call.arguments().size() > 1 ? call.arguments().get(1) : "-";
        return TcpClient.exchange(call, DEFAULT_PORT, (socket, target) -> {
            if (message.equals("-")) {
                stream(socket, call.in(), call.out(), call.timeout(), target);
            } else {
                sendLine(socket, (message + "\n").getBytes(StandardCharsets.UTF_8), call.out(), target);
            }
            return 0;
        });
    }

    private static void sendLine(Socket socket, byte[] line, OutputStream out, HostPort target) throws IOException {
        socket.getOutputStream().write(line);
        socket.shutdownOutput();
        byte[] reply = socket.getInputStream().readNBytes(line.length + 1); // one more: an echo adds nothing
        if (!Arrays.equals(line, reply)) { // shown nowhere: what a stranger sends is not our output
            throw new ClientException(target + " answered " + reply.length + " bytes that are not the "
                    + line.length + " sent: is it an echo server?");
        }
        out.write(reply);
        out.flush();
    }

    /**
     * Copies {@code in} to the server on another thread while the echo is copied to {@code out} here. The
     * timeout applies only while sent bytes are still waiting for their echo, so an interactive session
     * may pause as long as it likes.
     */
    private static void stream(Socket socket, InputStream in, OutputStream out, Duration timeout, HostPort target)
            throws IOException {
        AtomicLong sent = new AtomicLong();
        AtomicReference<IOException> sendFailure = new AtomicReference<>();
        // checksums of both directions: an echo of the same length with other bytes is no echo, and
        // keeping every byte sent until its echo returns would be an unbounded buffer
        CRC32C sentSum = new CRC32C();
        CRC32C receivedSum = new CRC32C();
        Thread sender = Thread.ofVirtual().name("echo-stdin").start(() -> {
            try {
                OutputStream toServer = socket.getOutputStream();
                byte[] buffer = new byte[64 << 10];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    sentSum.update(buffer, 0, n);
                    toServer.write(buffer, 0, n);
                    sent.addAndGet(n);
                }
                socket.shutdownOutput();
            } catch (IOException e) {
                sendFailure.set(e);
            }
        });
        InputStream fromServer = socket.getInputStream();
        byte[] buffer = new byte[64 << 10];
        long received = 0;
        while (true) {
            int n;
            try {
                n = fromServer.read(buffer);
            } catch (SocketTimeoutException e) {
                if (received < sent.get() || !sender.isAlive()) {
                    throw new ClientException("no echo from " + target + " for " + timeout.toMillis() + " ms ("
                            + received + " of " + sent.get() + " bytes back)");
                }
                continue; // nothing outstanding: the user is just not typing
            }
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            out.flush();
            receivedSum.update(buffer, 0, n);
            received += n;
        }
        try {
            sender.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + target + " echoed the last bytes");
        }
        if (sendFailure.get() != null) {
            throw sendFailure.get();
        }
        if (sender.isAlive() || received != sent.get()) {
            throw new ClientException(target + " closed the connection after echoing " + received + " of "
                    + sent.get() + " bytes sent");
        }
        if (sentSum.getValue() != receivedSum.getValue()) { // the join above makes sentSum safe to read
            throw new ClientException(target + " sent back " + received + " bytes, as many as were sent, but"
                    + " not the same bytes: is it an echo server?");
        }
    }
}
