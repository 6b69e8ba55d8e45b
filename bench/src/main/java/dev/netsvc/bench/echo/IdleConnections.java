package dev.netsvc.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N connections to an echo server and leaves them idle, for measuring the server's memory per
 * idle connection. Each connection echoes one byte first, so the server has really set it up (accepted,
 * registered, its first read done). Connects are paced (at most 500 pending) so no server's listen
 * backlog overflows. Prints {@code ready N} on standard output, then holds every connection until
 * standard input closes.
 *
 * <p>Usage: {@code java -cp ... dev.netsvc.bench.echo.IdleConnections HOST PORT N}
 */
public final class IdleConnections {

    private static final int MAX_PENDING = 500;

    public static void main(String[] args) throws IOException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int n = Integer.parseInt(args[2]);
        List<SocketChannel> open = new ArrayList<>(n);
        try (Selector selector = Selector.open()) {
            ByteBuffer one = ByteBuffer.allocate(1);
            int started = 0;
            int echoed = 0;
            int pending = 0;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (echoed < n) {
                while (started < n && pending < MAX_PENDING) {
                    SocketChannel c = SocketChannel.open();
                    c.configureBlocking(false);
                    c.connect(target);
                    c.register(selector, SelectionKey.OP_CONNECT);
                    open.add(c);
                    started++;
                    pending++;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("only " + echoed + " of " + n + " connections echoed within 120 s");
                }
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel c = (SocketChannel) key.channel();
                    if (key.isConnectable() && c.finishConnect()) {
                        c.write(ByteBuffer.wrap(new byte[] {'x'}));
                        key.interestOps(SelectionKey.OP_READ);
                    } else if (key.isReadable()) {
                        one.clear();
                        if (c.read(one) != 1) {
                            throw new IOException("connection closed before its echo");
                        }
                        key.interestOps(0);
                        echoed++;
                        pending--;
                    }
                }
                selector.selectedKeys().clear();
            }
            System.out.println("ready " + echoed);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the connections until standard input closes
            }
        } finally {
            for (SocketChannel c : open) {
                c.close();
            }
        }
    }
}
