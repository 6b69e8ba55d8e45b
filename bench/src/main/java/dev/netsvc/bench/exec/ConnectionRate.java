package dev.netsvc.bench.exec;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connections a second to a program-per-connection server ({@code bench/exec.sh}): each of
 * {@code CLIENTS} threads connects, writes 64 bytes, half-closes, reads until the server's end, checks it
 * got its 64 bytes back (the server runs {@code /bin/cat}), closes, and again. Exchanges during the
 * warm-up are not counted.
 *
 * <p>Usage: {@code ConnectionRate HOST PORT CLIENTS WARMUP_SECONDS SECONDS}; prints
 * {@code connections/s: N} and {@code failed: M} (a connection refused, reset, or answered wrongly).
 */
public final class ConnectionRate {

    private static final int SIZE = 64;

    private ConnectionRate() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int clients = Integer.parseInt(args[2]);
        long warmupMillis = Long.parseLong(args[3]) * 1000;
        long millis = Long.parseLong(args[4]) * 1000;
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        byte[] message = new byte[SIZE];
        Arrays.fill(message, (byte) 'x');
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().daemon(true).start(() -> {
                while (!stop.get()) {
                    if (exchange(server, message)) {
                        done.increment();
                    } else {
                        failed.increment();
                    }
                }
            }));
        }
        Thread.sleep(warmupMillis); // the warm-up's length, not synchronisation
        long before = done.sum();
        long failedBefore = failed.sum();
        long start = System.nanoTime();
        Thread.sleep(millis);
        long counted = done.sum() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        System.out.printf("connections/s: %.0f%n", counted / seconds);
        System.out.println("failed: " + (failed.sum() - failedBefore));
    }

    private static boolean exchange(InetSocketAddress server, byte[] message) {
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(server, 10_000);
            s.getOutputStream().write(message);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] back = in.readNBytes(SIZE + 1);
            return Arrays.equals(back, message);
        } catch (IOException e) {
            return false;
        }
    }
}
