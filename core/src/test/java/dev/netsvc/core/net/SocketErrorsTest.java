package dev.netsvc.core.net;

import dev.netsvc.core.internal.Sockets;
import dev.netsvc.core.internal.BindFailure;
import dev.netsvc.core.Transport;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketErrorsTest {

    @Test
    void addressInUseNamesPortAndAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            BindFailure failure = assertThrows(BindFailure.class, () -> Sockets.listenTcp(address, 1));
            SocketErrors.Explanation e = SocketErrors.explain(failure, null);
            assertEquals(SocketErrors.Kind.ADDRESS_IN_USE, e.kind());
            assertEquals("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use by another process (tcp)", e.message());
            assertFalse(e.hint().isEmpty());
        }
    }

    @Test
    void refusedWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int closed = port;
        ConnectException failure = assertThrows(ConnectException.class,
                () -> new Socket(InetAddress.getLoopbackAddress(), closed).close());
        SocketErrors.Explanation e = SocketErrors.explain(failure, "127.0.0.1:" + port);
        assertEquals(SocketErrors.Kind.REFUSED, e.kind());
        assertTrue(e.message().contains("127.0.0.1:" + port) && e.message().contains("nothing is listening"), e.message());
    }

    @Test
    void theClassicTableOfSocketErrors() {
        assertKind(SocketErrors.Kind.TIMED_OUT, new SocketTimeoutException("Connect timed out"));
        assertKind(SocketErrors.Kind.SILENT, new SocketTimeoutException("Read timed out"));
        assertKind(SocketErrors.Kind.TIMED_OUT, new ConnectException("Connection timed out"));
        assertKind(SocketErrors.Kind.RESET, new SocketException("Connection reset"));
        assertKind(SocketErrors.Kind.RESET, new SocketException("Broken pipe"));
        assertKind(SocketErrors.Kind.HOST_NOT_FOUND, new UnknownHostException("nowhere.invalid"));
        assertKind(SocketErrors.Kind.HOST_UNREACHABLE, new NoRouteToHostException("No route to host"));
        assertKind(SocketErrors.Kind.NETWORK_UNREACHABLE, new SocketException("Network is unreachable"));
        assertKind(SocketErrors.Kind.CLOSED, new EOFException());
        assertKind(SocketErrors.Kind.PERMISSION_DENIED,
                new BindFailure(Transport.UDP, new InetSocketAddress(InetAddress.getLoopbackAddress(), 37), new BindException("Permission denied")));
        assertKind(SocketErrors.Kind.ADDRESS_NOT_AVAILABLE,
                new BindFailure(Transport.TCP, new InetSocketAddress(InetAddress.getLoopbackAddress(), 7), new BindException("Cannot assign requested address")));
        assertKind(SocketErrors.Kind.OTHER, new IOException("something else"));
    }

    @Test
    void aServerThatAcceptsAndSaysNothingIsNotCalledDown() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), silent.getLocalPort())) {
            client.setSoTimeout(50);
            SocketTimeoutException failure = assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            SocketErrors.Explanation e = SocketErrors.explain(failure, "127.0.0.1:" + silent.getLocalPort());
            assertEquals(SocketErrors.Kind.SILENT, e.kind());
            assertEquals("connected to 127.0.0.1:" + silent.getLocalPort() + ", but it sent nothing within the timeout",
                    e.message());
            assertFalse(e.hint().contains("down") || e.hint().contains("firewall"), e.hint());
        }
    }

    @Test
    void hostNotFoundNamesTheHostAndHowToCheck() {
        SocketErrors.Explanation e = SocketErrors.explain(new UnknownHostException("nowhere.invalid: Name or service not known"), null);
        assertEquals("host 'nowhere.invalid' was not found", e.message());
        assertTrue(e.hint().contains("netsvc resolve nowhere.invalid"), e.hint());
        assertTrue(e.toString().contains("\n  hint: "), e.toString());
    }

    @Test
    void disconnectsAreRecognised() {
        assertTrue(SocketErrors.isDisconnect(new SocketException("Connection reset")));
        assertTrue(SocketErrors.isDisconnect(new IOException("Broken pipe")));
        assertTrue(SocketErrors.isDisconnect(new EOFException()));
        assertFalse(SocketErrors.isDisconnect(new IOException("disk full")));
        assertFalse(SocketErrors.isDisconnect(new IllegalStateException("Connection reset")));
    }

    @Test
    void anIpv6AddressWrittenWithItsPortButNoBracketsIsToldHowToWriteIt() throws Exception {
        UnknownHostException failure;
        try {
            java.net.InetAddress.getByName("::1:37009"); // the JDK's own words for it
            throw new AssertionError("::1:37009 resolved");
        } catch (UnknownHostException e) {
            failure = e;
        }
        SocketErrors.Explanation e = SocketErrors.explain(failure, null);
        assertEquals("'::1:37009' is not an IPv6 address", e.message());
        assertEquals("to give an IPv6 address a port, put the address in brackets: [::1]:37009", e.hint());
        SocketErrors.Explanation colon = SocketErrors.explain(new UnknownHostException("fe80::1%eth9: no such interface"), null);
        assertEquals("host 'fe80::1%eth9' was not found", colon.message(), "the host keeps its colons");
    }

    private static void assertKind(SocketErrors.Kind kind, Throwable failure) {
        assertEquals(kind, SocketErrors.explain(failure, "h:1").kind(), failure.toString());
    }
}
