package dev.netsvc.launcher.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlServerTest {

    private static final ControlServer.Handler ECHO = request ->
            new ControlProtocol.Reply(request.size(), String.join("|", request) + "\nsecond line\n", "to stderr\n");

    @Test
    void oneRequestLineOneReplyWithOutErrAndExitCode(@TempDir Path tmp) throws IOException {
        Path socket = tmp.resolve("run").resolve("netsvc.sock");
        try (ControlServer server = ControlServer.open(socket, ECHO)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            ControlProtocol.Reply reply = ControlClient.send(socket, List.of("restart", "http", "qotd"));
            assertEquals(3, reply.exitCode());
            assertEquals("restart|http|qotd\nsecond line\n", reply.out());
            assertEquals("to stderr\n", reply.err());
        }
        assertFalse(Files.exists(socket), "closing removes the socket");
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneRefused(@TempDir Path tmp) throws IOException {
        Path socket = tmp.resolve("netsvc.sock");
        // a socket file nobody listens on any more, as a killed host leaves it
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close();
        assertTrue(Files.exists(socket));
        assertThrows(ControlClient.NoHostException.class, () -> ControlClient.send(socket, List.of("status")));

        try (ControlServer live = ControlServer.open(socket, ECHO)) {
            assertEquals(1, ControlClient.send(socket, List.of("status")).exitCode());
            IOException e = assertThrows(IOException.class, () -> ControlServer.open(socket, ECHO));
            assertTrue(e.getMessage().contains("another netsvc is running with control socket " + socket), e.getMessage());
            assertEquals(1, ControlClient.send(socket, List.of("status")).exitCode(), "the live one still answers");
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("netsvc.sock"), "precious");
        IOException e = assertThrows(IOException.class, () -> ControlServer.open(file, ECHO));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("precious", Files.readString(file));
    }

    @Test
    void noSocketMeansNoHost(@TempDir Path tmp) {
        Path socket = tmp.resolve("absent.sock");
        IOException e = assertThrows(ControlClient.NoHostException.class, () -> ControlClient.send(socket, List.of("status")));
        assertEquals("no netsvc is running at " + socket + "; start one with netsvc run", e.getMessage());
    }
}
