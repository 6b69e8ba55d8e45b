package dev.netsvc.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients a server must survive, for the soak: slow HTTP clients that send a request a byte a
 * second (the server should answer 408 and close after its request timeout), and clients that send
 * and never read, to an echo server and to HTTP (pipelined requests), so the server's output backs up.
 * Each kind is replaced when the server closes it, until the time is up; then all are closed.
 *
 * <p>Usage: {@code MisbehavingClients SECONDS COUNT HTTP_PORT ECHO_PORT[,ECHO_PORT...]}; prints how
 * many of each were opened and how many the server closed.
 */
public final class MisbehavingClients {

    private static final byte[] SLOW_REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PIPELINE = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(2000).getBytes(StandardCharsets.US_ASCII);

    private MisbehavingClients() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        int httpPort = Integer.parseInt(args[2]);
        String[] echoPorts = args[3].split(",");
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        int[] slowClosed = new int[1];
        int[] slowOpened = new int[1];
        for (int i = 0; i < count; i++) {
            threads.add(Thread.ofVirtual().start(() -> slow(httpPort, deadline, slowOpened, slowClosed)));
        }
        List<SocketChannel> stuck = new ArrayList<>();
        int stuckOpened = 0;
        while (System.nanoTime() < deadline) {
            stuck.removeIf(c -> !c.isOpen());
            while (stuck.size() < count * (1 + echoPorts.length)) {
                int kind = stuck.size() % (1 + echoPorts.length);
                int port = kind == 0 ? httpPort : Integer.parseInt(echoPorts[kind - 1]);
                try {
                    stuck.add(notReading(port, kind == 0 ? PIPELINE : new byte[256 * 1024]));
                    stuckOpened++;
                } catch (IOException e) {
                    break; // refused (a connection limit): try again later
                }
            }
            for (SocketChannel c : stuck) {
                try {
                    c.write(ByteBuffer.wrap(new byte[1024])); // non-blocking: just keeps the pressure on
                } catch (IOException e) {
                    c.close();
                }
            }
            Thread.sleep(1000);
        }
        for (SocketChannel c : stuck) {
            c.close();
        }
        for (Thread t : threads) {
            t.join();
        }
        synchronized (slowOpened) {
            System.out.printf("slow http clients opened %d, closed by the server %d%n", slowOpened[0], slowClosed[0]);
        }
        System.out.printf("non-reading clients opened %d%n", stuckOpened);
    }

    /** A request dribbled a byte a second; when the server gives up (408, close) a new one starts. */
    private static void slow(int port, long deadline, int[] opened, int[] closed) {
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                synchronized (opened) {
                    opened[0]++;
                }
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(SLOW_REQUEST);
                s.setSoTimeout(1000);
                while (System.nanoTime() < deadline) {
                    out.write('a');
                    out.flush();
                    try {
                        if (in.read() < 0) {
                            break;
                        }
                        in.transferTo(OutputStream.nullOutputStream()); // the 408, then the close
                        break;
                    } catch (java.net.SocketTimeoutException e) {
                        // nothing yet: another byte
                    }
                }
                synchronized (opened) {
                    closed[0] += System.nanoTime() < deadline ? 1 : 0;
                }
            } catch (IOException e) {
                synchronized (opened) {
                    closed[0]++;
                }
                sleepQuietly();
            }
        }
    }

    /** Connects and writes {@code bytes} without ever reading; non-blocking, so it stops when buffers fill. */
    private static SocketChannel notReading(int port, byte[] bytes) throws IOException {
        SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        c.configureBlocking(false);
        c.write(ByteBuffer.wrap(bytes));
        return c;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
