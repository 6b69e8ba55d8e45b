package dev.netsvc.launcher.control;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The control socket of a running host: a Unix domain socket only its owner may use (mode 0600), one
 * request line in, one reply out ({@link ControlProtocol}). A socket file left behind by a host that was
 * killed is detected (nobody answers on it) and replaced; one a live host answers on is refused.
 */
public final class ControlServer implements AutoCloseable {

    /** Answers one request: the command's words in, what to print and the exit status out. */
    public interface Handler {
        ControlProtocol.Reply handle(List<String> request);
    }

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    /** Requests served at once; more wait for the accept thread (a local, owner-only socket). */
    private static final int MAX_CLIENTS = 8;

    private final Path path;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    private final Thread acceptor;

    private ControlServer(Path path, ServerSocketChannel server, Handler handler) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().name("control-socket").daemon(true).start(this::acceptLoop);
    }

    /**
     * Binds {@code path}. Throws {@link IOException} with a message naming the path when another host
     * answers there or the socket cannot be created.
     */
    public static ControlServer open(Path path, Handler handler) throws IOException {
        Path socket = path.toAbsolutePath();
        Files.createDirectories(socket.getParent());
        if (Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            replaceStale(socket);
        }
        // bind under a private name, restrict it, then rename: no moment where others could connect
        Path temporary = socket.resolveSibling("." + socket.getFileName() + "." + ProcessHandle.current().pid());
        Files.deleteIfExists(temporary);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(temporary));
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
        return new ControlServer(socket, server, handler);
    }

    private static void replaceStale(Path socket) throws IOException {
        if (!isSocket(socket)) {
            throw new IOException(socket + " exists and is not a socket; remove it or set admin.socket to another path");
        }
        if (answers(socket)) {
            throw new IOException("another netsvc is running with control socket " + socket
                    + "; stop it first, or give this one another admin.socket");
        }
        Files.delete(socket); // nobody answers: a host that was killed left it behind
    }

    private static boolean answers(Path socket) throws IOException {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (AccessDeniedException e) {
            throw new IOException("control socket " + socket + " belongs to another user: " + e.getMessage());
        } catch (IOException e) {
            return false; // connection refused
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return true; // cannot tell: let the connection probe decide
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                clients.acquire();
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("control-client").start(() -> serve(client));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                clients.release();
                if (!server.isOpen()) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            List<String> request = ControlProtocol.readRequest(client);
            if (!request.isEmpty() && !request.get(0).equals("status")) { // what changes the host is audited
                log.info("control: {} (by {})", String.join(" ", request), peer(client));
            }
            ControlProtocol.Reply reply;
            try {
                reply = handler.handle(request);
            } catch (RuntimeException e) {
                reply = new ControlProtocol.Reply(1, "", "netsvc: " + e.getMessage() + "\n");
            }
            ControlProtocol.writeReply(client, reply);
        } catch (IOException e) {
            // the client went away: nothing to answer
        } finally {
            clients.release();
        }
    }

    /** The user and group of the process at the other end, as the kernel says (SO_PEERCRED). */
    private static String peer(SocketChannel client) {
        try {
            UnixDomainPrincipal who = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return "user " + who.user().getName() + ", group " + who.group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "an unknown user (" + e.getMessage() + ")";
        }
    }

    /** Stops answering and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket has nothing to report
        }
        acceptor.interrupt();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // left behind: the next host finds it stale and replaces it
        }
    }
}
