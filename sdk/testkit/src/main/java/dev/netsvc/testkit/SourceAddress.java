package dev.netsvc.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Clients that come from a chosen loopback address ({@code 127.0.0.2}, {@code 127.0.0.3}, {@code ::1}),
 * so a test can play several sources against a service's access rules on one machine. On Linux the whole
 * of 127.0.0.0/8 is local, so binding any of it works without setup.
 */
public final class SourceAddress {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private SourceAddress() {
    }

    /** A TCP connection from {@code source} (any free port) to {@code server}, with a read timeout. */
    public static Socket connectFrom(String source, InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0)); // before connect: it picks the source
            socket.connect(server, (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Whether the server closed {@code socket} without sending a byte: end of stream or a reset. Fails
     * (times out) if the server keeps the connection open silently, and returns false if a byte arrives.
     */
    public static boolean refusedWithoutAByte(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither served nor closed the connection from "
                    + socket.getLocalAddress().getHostAddress() + " within " + WAIT.toMillis() + " ms", e);
        } catch (SocketException e) {
            return true; // connection reset: refused
        }
    }

    /**
     * Connects from {@code source} and says whether the server refused the connection without a byte:
     * a reset during connect (on loopback the server's reset can beat the connect's completion), end of
     * stream or a reset on the first read. Returns false if a byte arrives; fails if nothing happens.
     */
    public static boolean refused(String source, InetSocketAddress server) throws IOException {
        Socket socket;
        try {
            socket = connectFrom(source, server);
        } catch (SocketException e) {
            return true; // reset before connect returned
        }
        try (socket) {
            return refusedWithoutAByte(socket);
        }
    }

    /** A UDP socket bound to {@code source} (any free port), with a receive timeout. */
    public static DatagramSocket udpFrom(String source) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** Sends {@code payload} to {@code server} and waits for the reply (fails after the timeout). */
    public static byte[] exchange(DatagramSocket socket, InetSocketAddress server, byte[] payload) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, server));
        DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(reply);
        byte[] out = new byte[reply.getLength()];
        System.arraycopy(reply.getData(), 0, out, 0, out.length);
        return out;
    }

    /** Sends {@code payload} to {@code server} without waiting for anything. */
    public static void send(DatagramSocket socket, InetSocketAddress server, byte[] payload) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, server));
    }
}
