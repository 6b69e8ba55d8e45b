package dev.netsvc.launcher;

import dev.netsvc.core.net.Listeners;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host's listening sockets, shared by copies of one service and held across a probation. */
class SharedListenersTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void copiesShareOneSocketAndTheLastReleaseClosesIt() throws IOException {
        SharedListeners shared = new SharedListeners();
        Listeners old = shared.forService("svc");
        Listeners next = shared.forService("svc");
        ServerSocket a = old.tcp(new ServerSocket(), ANY_PORT, 50);
        ServerSocket b = next.tcp(new ServerSocket(), ANY_PORT, 50);
        assertSame(a, b, "the new copy gets the very socket the old one listens on");
        assertTrue(old.release(a), "stays open for the new copy");
        assertTrue(old.release(a), "a second release by the same copy counts once");
        assertFalse(a.isClosed());
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), a.getLocalPort())) {
            assertTrue(client.isConnected());
        }
        assertFalse(next.release(b), "the last user closes it");
        assertTrue(a.isClosed());
        assertEquals(0, shared.open());
    }

    @Test
    void aHoldKeepsTheSocketOpenUntilItIsLetGo() throws IOException {
        SharedListeners shared = new SharedListeners();
        Listeners dying = shared.forService("svc");
        ServerSocket socket = dying.tcp(new ServerSocket(), ANY_PORT, 50);
        Runnable hold = shared.hold("svc");
        assertTrue(dying.release(socket), "held: stays open");
        Listeners back = shared.forService("svc");
        assertSame(socket, back.tcp(new ServerSocket(), ANY_PORT, 50), "the version coming back gets it");
        hold.run();
        hold.run(); // once only
        assertFalse(socket.isClosed());
        back.release(socket);
        assertTrue(socket.isClosed());
    }
}
