package dev.netsvc.examples.classics;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/** What every client here does the same way: the target argument, connecting, explaining failures. */
final class Calls {

    private Calls() {
    }

    /** The first argument, HOST[:PORT]; a malformed one is a usage error (exit 2). */
    static HostPort target(ClientInvocation call, int defaultPort) {
        try {
            return HostPort.parse(call.argument(0, "HOST[:PORT]"), defaultPort);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static int millis(Duration timeout) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    /** A connected socket whose reads time out after {@code timeout}. */
    static Socket connect(HostPort target, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(target.resolve(), millis(timeout));
            socket.setSoTimeout(millis(timeout));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The failure in plain words, naming the address, with a hint ("connection refused by 127.0.0.1:9009: ..."). */
    static ClientException explain(IOException e, HostPort target) {
        return new ClientException(SocketErrors.explain(e, target.toString()).toString(), e);
    }
}
