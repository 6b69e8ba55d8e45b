package dev.netsvc.echo.selector;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.core.tls.TlsClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * {@code netsvc bench echo ... --tls}: the same load as {@link LoadGenerator} (N connections, one message
 * in flight on each, the same measures) over TLS, with the JDK's TLS sockets, one virtual thread per
 * connection: every handshake completes before the measured part begins. Each connection records its own
 * latencies; they are added up at the end.
 */
final class TlsLoadGenerator {

    private static final long PROGRESS_EVERY_MILLIS = 500;

    private final LoadPlan plan;
    private final LoadGenerator.Progress progress;
    private final SSLContext context;
    private final boolean verifyHost;
    private final HostPort target;
    private final byte[] payload;
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong lastEcho = new AtomicLong(System.nanoTime());
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long measureFrom;
    private volatile long measureUntil;

    TlsLoadGenerator(LoadPlan plan, HostPort target, SSLContext context, boolean verifyHost, LoadGenerator.Progress progress) {
        this.plan = plan;
        this.target = target;
        this.context = context;
        this.verifyHost = verifyHost;
        this.progress = progress;
        this.payload = new byte[plan.size()];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
        }
    }

    LoadGenerator.Result run() throws IOException {
        List<SSLSocket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<LatencyHistogram> histograms = new ArrayList<>();
        try {
            for (int i = 0; i < plan.connections(); i++) {
                sockets.add(connect());
            }
            long t0 = System.nanoTime();
            measureFrom = t0 + plan.warmup().toNanos();
            measureUntil = plan.timed() ? measureFrom + plan.duration().toNanos() : Long.MAX_VALUE;
            long cpuFrom = cpuNanos();
            for (int i = 0; i < sockets.size(); i++) {
                LatencyHistogram h = new LatencyHistogram();
                histograms.add(h);
                SSLSocket socket = sockets.get(i);
                int id = i + 1;
                threads.add(Thread.ofVirtual().name("bench-tls-" + id).start(() -> drive(id, socket, h)));
            }
            long nextProgress = System.currentTimeMillis() + PROGRESS_EVERY_MILLIS;
            for (Thread t : threads) {
                while (t.isAlive()) {
                    t.join(PROGRESS_EVERY_MILLIS);
                    long now = System.nanoTime();
                    if (now - lastEcho.get() > plan.timeout().toNanos() && failure.get() == null) {
                        failure.set(new ClientException(target + " echoed nothing for " + plan.timeout().toMillis() + " ms"));
                        sockets.forEach(TlsLoadGenerator::closeQuietly);
                    }
                    if (System.currentTimeMillis() >= nextProgress) {
                        boolean warmingUp = now < measureFrom;
                        progress.update(completed.get(), completed.get() * plan.size(),
                                (now - (warmingUp ? t0 : measureFrom)) / 1e9, warmingUp);
                        nextProgress = System.currentTimeMillis() + PROGRESS_EVERY_MILLIS;
                    }
                }
            }
            long end = Math.min(System.nanoTime(), measureUntil);
            LatencyHistogram all = new LatencyHistogram();
            histograms.forEach(all::add);
            LoadGenerator.Result result = new LoadGenerator.Result(completed.get(), completed.get() * plan.size(),
                    Math.max(1, end - measureFrom), all, (cpuNanos() - cpuFrom) / (double) Math.max(1, end - t0));
            Throwable failed = failure.get();
            if (failed != null) {
                String why = failed instanceof ClientException c ? c.getMessage() : SocketErrors.explain(failed, target.toString()).toString();
                throw new LoadGenerator.Stopped(why, failed, System.nanoTime() > measureFrom ? result : null);
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } finally {
            sockets.forEach(TlsLoadGenerator::closeQuietly);
        }
    }

    private SSLSocket connect() throws IOException {
        Socket plain = new Socket();
        int millis = (int) Math.clamp(plan.timeout().toMillis(), 1, Integer.MAX_VALUE);
        InetSocketAddress address = plan.target();
        plain.connect(address, millis);
        plain.setSoTimeout(millis);
        plain.setTcpNoDelay(true);
        return TlsClient.over(plain, target, context, verifyHost, List.of());
    }

    /** One connection: a message, its whole echo checked, the next. */
    private void drive(int id, SSLSocket socket, LatencyHistogram latency) {
        byte[] echo = new byte[payload.length];
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            while (failure.get() == null && take()) {
                long sent = System.nanoTime();
                out.write(payload);
                out.flush();
                int got = in.readNBytes(echo, 0, echo.length);
                if (got < echo.length) {
                    throw new ClientException("connection " + id + " to " + target + " was closed by the server after "
                            + got + " of " + plan.size() + " bytes of a message came back");
                }
                if (!Arrays.equals(echo, payload)) {
                    throw new ClientException("connection " + id + " to " + target + ": the echo differs from what was sent");
                }
                long now = System.nanoTime();
                lastEcho.set(now);
                if (now >= measureFrom && now < measureUntil) {
                    completed.incrementAndGet();
                    latency.record(now - sent);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private boolean take() {
        if (plan.timed()) {
            return System.nanoTime() < measureUntil;
        }
        return started.incrementAndGet() <= plan.messages();
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // ending anyway
        }
    }
}
