package dev.netsvc.core.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TCP_CORK on real loopback sockets, set through the foreign function API as the host runs it. */
class TcpCorkTest {

    @TempDir
    Path tmp;

    /** The build runs tests as bin/netsvc runs the host (Java 22+, the two JVM options): the cork must work. */
    @Test
    void theCorkIsAvailableOnLinuxWithJava22() {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
        assumeTrue(Runtime.version().feature() >= 22);
        assertTrue(TcpCork.available(), "setsockopt through the foreign function API, with the options of pom.xml");
    }

    @Test
    void setTurnsTheSocketOptionOnAndOff() throws IOException {
        assumeTrue(TcpCork.available());
        try (Pair pair = new Pair()) {
            assertEquals(Optional.of(false), TcpCork.isSet(pair.server));
            assertTrue(TcpCork.set(pair.server, true));
            assertEquals(Optional.of(true), TcpCork.isSet(pair.server), "getsockopt reads back what setsockopt set");
            assertTrue(TcpCork.set(pair.server, false));
            assertEquals(Optional.of(false), TcpCork.isSet(pair.server));
        }
    }

    /** A file goes whole, and the socket is left uncorked: nothing it sends afterwards waits. */
    @Test
    void transferToSendsTheFileAndLeavesTheSocketUncorked() throws IOException {
        byte[] content = new byte[3 * 65536 + 7];
        new Random(12).nextBytes(content);
        Path file = Files.write(tmp.resolve("f.bin"), content);
        try (Pair pair = new Pair(); FileChannel channel = FileChannel.open(file)) {
            long sent = 0;
            for (int i = 0; i < 1000 && sent < content.length; i++) { // the socket buffer takes it in a few calls
                sent += TcpCork.transferTo(channel, sent, content.length - sent, pair.server);
            }
            assertEquals(content.length, sent);
            pair.server.shutdownOutput();
            assertArrayEquals(content, pair.readAll(content.length));
            if (TcpCork.available()) {
                assertEquals(Optional.of(false), TcpCork.isSet(pair.server));
            }
        }
    }

    @Test
    void aClosedChannelIsNoError() throws IOException {
        Pair pair = new Pair();
        pair.close();
        assertFalse(TcpCork.set(pair.server, true));
        assertEquals(Optional.empty(), TcpCork.isSet(pair.server));
    }

    /** A connected loopback pair; {@code server} is the accepted side. */
    private static final class Pair implements AutoCloseable {
        final ServerSocketChannel listener = ServerSocketChannel.open();
        final SocketChannel client;
        final SocketChannel server;

        Pair() throws IOException {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(listener.getLocalAddress());
            server = listener.accept();
        }

        byte[] readAll(int expected) throws IOException {
            ByteBuffer in = ByteBuffer.allocate(expected + 1);
            for (int i = 0; i < 100_000 && client.read(in) >= 0; i++) {
                if (in.position() > expected) {
                    break;
                }
            }
            return Arrays.copyOf(in.array(), in.position());
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            listener.close();
        }
    }
}
