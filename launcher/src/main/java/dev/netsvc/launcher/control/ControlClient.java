package dev.netsvc.launcher.control;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Sends one command to a running host through its control socket. */
public final class ControlClient {

    /** No host answers at the socket: it does not exist, or nobody listens on it any more. */
    public static final class NoHostException extends IOException {
        NoHostException(Path socket) {
            super("no netsvc is running at " + socket + "; start one with netsvc run");
        }
    }

    private ControlClient() {
    }

    public static ControlProtocol.Reply send(Path socket, List<String> request) throws IOException {
        if (!Files.exists(socket)) {
            throw new NoHostException(socket);
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (SocketException e) {
            if (e.getMessage() != null && e.getMessage().contains("ermission")) {
                throw new IOException("cannot use the control socket " + socket + ": " + e.getMessage()
                        + " (it belongs to the user that runs netsvc)");
            }
            throw new NoHostException(socket);
        }
        try (channel) {
            ControlProtocol.writeRequest(channel, request);
            return ControlProtocol.readReply(channel);
        }
    }
}
