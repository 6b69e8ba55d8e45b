package dev.netsvc.bench.soak;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UDP bursts from several loopback sources for the soak: each source address (127.0.0.2, 127.0.0.3, ...)
 * sends a burst of datagrams to each target port, waits for the answers, pauses, and again, until the
 * time is up. Every datagram asks for one answer (qotd, daytime); answers are counted as they come,
 * so a datagram still unanswered 3 s after the end is lost.
 *
 * <p>Usage: {@code UdpBurst SECONDS BURST PAUSE_MS PORT[,PORT...] SOURCE[,SOURCE...]}; prints
 * {@code udp PORT sent N answered M} per port at the end.
 */
public final class UdpBurst {

    private UdpBurst() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        int burst = Integer.parseInt(args[1]);
        long pauseMillis = Long.parseLong(args[2]);
        String[] ports = args[3].split(",");
        String[] sources = args[4].split(",");
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        AtomicLong[][] counts = new AtomicLong[ports.length][2];
        for (int p = 0; p < ports.length; p++) {
            counts[p][0] = new AtomicLong();
            counts[p][1] = new AtomicLong();
            for (String source : sources) {
                int port = Integer.parseInt(ports[p]);
                AtomicLong[] c = counts[p];
                threads.add(Thread.ofPlatform().start(() -> run(source, port, burst, pauseMillis, deadline, c)));
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int p = 0; p < ports.length; p++) {
            System.out.printf("udp %s sent %d answered %d%n", ports[p], counts[p][0].get(), counts[p][1].get());
        }
    }

    /**
     * One source: a receiver counts every answer as it comes (a late answer is not a lost one); the
     * sender sends a burst, waits up to 10 s for its answers, pauses, and again. At most one burst is in
     * flight per source, so no receive buffer can overflow however long a busy machine stalls a process;
     * after the deadline the receiver waits 3 s for stragglers.
     */
    private static void run(String source, int port, int burst, long pauseMillis, long deadline, AtomicLong[] counts) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(source), 0))) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.setSoTimeout(3000);
            AtomicLong sent = new AtomicLong();
            AtomicLong answered = new AtomicLong();
            Thread receiver = Thread.ofPlatform().start(() -> {
                byte[] answer = new byte[2048];
                while (true) {
                    try {
                        socket.receive(new DatagramPacket(answer, answer.length));
                        counts[1].incrementAndGet();
                        answered.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        if (System.nanoTime() > deadline) {
                            return; // 3 s without an answer after the end: the rest is lost
                        }
                    } catch (Exception e) {
                        System.err.println("udp answers from port " + port + " to " + source + " stopped: " + e);
                        return;
                    }
                }
            });
            byte[] ask = {'\n'};
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < burst; i++) {
                    socket.send(new DatagramPacket(ask, ask.length));
                    counts[0].incrementAndGet();
                    sent.incrementAndGet();
                }
                long wait = System.nanoTime() + 10_000_000_000L;
                while (answered.get() < sent.get() && System.nanoTime() < wait) {
                    Thread.sleep(5);
                }
                Thread.sleep(pauseMillis);
            }
            receiver.join();
        } catch (Exception e) {
            System.err.println("udp burst from " + source + " to port " + port + " stopped: " + e);
        }
    }
}
