package dev.netsvc.launcher.systemd;

import dev.netsvc.core.Transport;
import dev.netsvc.core.net.HostPort;

import java.io.Closeable;
import java.net.InetSocketAddress;

/**
 * One socket the service manager passed in: its descriptor as it arrived, its name
 * ({@code FileDescriptorName=}, empty when it has none), its transport and address, and the JDK channel
 * it now lives in ({@link java.nio.channels.ServerSocketChannel} for TCP, {@link
 * java.nio.channels.DatagramChannel} for UDP, in blocking mode as the JDK opens them).
 */
public record InheritedSocket(int fd, String name, Transport transport, InetSocketAddress address, Closeable channel) {

    /** {@code fd 3 'echo-selector' (tcp [::]:7)}: how the log names it. */
    @Override
    public String toString() {
        return "fd " + fd + (name.isEmpty() ? "" : " '" + name + "'") + " (" + transport.label() + " "
                + HostPort.format(address) + ")";
    }

    /**
     * Whether the manager gave it a name of its own. systemd names an unnamed socket after its unit
     * ({@code netsvc.socket}); {@code systemd-socket-activate} without {@code --fdname} names none, and
     * {@code sd_listen_fds_with_names} calls that {@code unknown}.
     */
    boolean named() {
        return !name.isEmpty() && !name.equals("unknown") && !name.endsWith(".socket");
    }

    /**
     * Whether a service configured for {@code configured} asks for this socket's address: the same port
     * and the same address, any wildcard matching any wildcard ({@code ListenStream=7} is {@code [::]:7},
     * a service's default bind may be {@code 0.0.0.0}).
     */
    boolean isAt(InetSocketAddress configured) {
        if (configured.getPort() != address.getPort()) {
            return false;
        }
        if (configured.getAddress() == null || address.getAddress() == null) {
            return false;
        }
        if (configured.getAddress().isAnyLocalAddress() && address.getAddress().isAnyLocalAddress()) {
            return true;
        }
        return configured.getAddress().equals(address.getAddress());
    }
}
