package dev.netsvc.echo.selector;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The classic tutorial's selector-based multi-connection client grown into a load generator: one thread, one
 * selector, every connection non-blocking. Each connection keeps exactly one message in flight; a
 * message's bytes are written as the socket takes them while its echo is read and checked against what
 * was sent, and the round trip (first byte written to last byte read) goes into a histogram.
 *
 * <p>It is built not to be the bottleneck: no allocation per message, one shared direct read buffer,
 * the payload in one direct buffer that every connection views, interest in writing only while a write
 * is incomplete (so a small message costs one write and one read system call), and the clock read once
 * per event.
 */
final class LoadGenerator {

    /** What the progress line shows; called about twice a second. */
    interface Progress {
        void update(long messages, long bytes, double seconds, boolean warmingUp);
    }

    /**
     * The measured part of a run; {@code cpuCores} is the generator's own CPU use over it (1.0 = one
     * core busy), so a reader can tell whether the generator or the server was the limit.
     */
    record Result(long messages, long bytes, long nanos, LatencyHistogram latency, double cpuCores) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    /**
     * The run ended early: the server went away, stalled or echoed wrong bytes. {@code partial} is what
     * was measured until then, or null when nothing was measured (connecting failed, or during the warmup).
     */
    static final class Stopped extends ClientException {
        private static final long serialVersionUID = 1L;

        private final transient Result partial;

        Stopped(String message, Throwable cause, Result partial) {
            super(message, cause);
            this.partial = partial;
        }

        Result partial() {
            return partial;
        }
    }

    private static final long PROGRESS_EVERY_NANOS = 500_000_000L;

    private final LoadPlan plan;
    private final Progress progress;
    private final ByteBuffer payload;
    private final ByteBuffer readBuffer;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    private final List<Flow> flows = new ArrayList<>();
    private Selector selector;
    private long now;
    private long lastEcho;
    private long started;      // messages started, for the message budget
    private long inFlight;
    private boolean starting = true;
    private long completed;    // in the measured part
    private long echoedBytes;  // in the measured part
    private long measureFrom;  // the measured part is [measureFrom, measureUntil)
    private long measureUntil;
    private boolean driving;   // messages were started: a failure has a partial result
    private long cpuFrom = -1;

    LoadGenerator(LoadPlan plan, Progress progress) {
        this.plan = plan;
        this.progress = progress;
        this.payload = ByteBuffer.allocateDirect(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            payload.put(i, (byte) ('a' + (i * 7 + i / 26) % 26)); // printable, not periodic in small sizes
        }
        this.readBuffer = ByteBuffer.allocateDirect(Math.min(plan.size(), 256 << 10));
    }

    Result run() throws IOException {
        try (Selector s = Selector.open()) {
            selector = s;
            try {
                connectAll();
                return drive();
            } catch (ClientException e) {
                throw new Stopped(e.getMessage(), e, partial());
            } catch (IOException e) {
                throw new Stopped(SocketErrors.explain(e, target()).toString(), e, partial());
            } finally {
                for (Flow f : flows) {
                    f.channel.close();
                }
            }
        }
    }

    // ---- connecting ------------------------------------------------------------------------------

    private void connectAll() throws IOException {
        for (int i = 0; i < plan.connections(); i++) {
            SocketChannel channel = SocketChannel.open();
            Flow flow = new Flow(i + 1, channel, payload.duplicate());
            flows.add(flow);
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            flow.key = channel.register(selector, SelectionKey.OP_CONNECT, flow);
            if (channel.connect(plan.target())) {
                flow.connected();
            }
        }
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        while (connectedCount() < flows.size()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new ClientException(target() + ": only " + connectedCount() + " of " + flows.size()
                        + " connections were accepted within " + plan.timeout().toMillis() + " ms");
            }
            selector.select(key -> ((Flow) key.attachment()).finishConnect(), left);
        }
    }

    private int connectedCount() {
        int n = 0;
        for (Flow f : flows) {
            n += f.connected ? 1 : 0;
        }
        return n;
    }

    // ---- the run -----------------------------------------------------------------------------------

    private Result drive() throws IOException {
        long t0 = System.nanoTime();
        now = t0;
        measureFrom = t0 + plan.warmup().toNanos();
        measureUntil = plan.timed() ? measureFrom + plan.duration().toNanos() : Long.MAX_VALUE;
        lastEcho = t0;
        long nextProgress = t0 + PROGRESS_EVERY_NANOS;
        cpuFrom = measureFrom == t0 ? cpuNanos() : -1;
        driving = true;
        for (Flow f : flows) {
            f.startMessage(t0);
        }
        while (inFlight > 0) {
            selector.select(onSelected, 100);
            now = System.nanoTime();
            if (cpuFrom < 0 && now >= measureFrom) {
                cpuFrom = cpuNanos();
            }
            if (starting && now >= measureUntil) {
                starting = false; // duration over: let the messages in flight finish, unmeasured
            }
            if (now - lastEcho > plan.timeout().toNanos()) {
                throw new ClientException(target() + " echoed nothing for " + plan.timeout().toMillis() + " ms ("
                        + inFlight + " messages in flight)");
            }
            if (now >= nextProgress) {
                boolean warmingUp = now < measureFrom;
                progress.update(completed, echoedBytes, (now - (warmingUp ? t0 : measureFrom)) / 1e9, warmingUp);
                nextProgress = now + PROGRESS_EVERY_NANOS;
            }
        }
        return measuredSoFar();
    }

    private Result measuredSoFar() {
        long measured = Math.max(1, Math.min(now, measureUntil) - measureFrom);
        double cores = cpuFrom < 0 ? 0 : (cpuNanos() - cpuFrom) / (double) Math.max(1, now - measureFrom);
        return new Result(completed, echoedBytes, measured, latency, cores);
    }

    /** What was measured before a failure; null if the run never got past connecting or warming up. */
    private Result partial() {
        now = System.nanoTime();
        return driving && now > measureFrom ? measuredSoFar() : null;
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private void onSelected(SelectionKey key) {
        Flow flow = (Flow) key.attachment();
        try {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                flow.write();
            }
            if ((ready & SelectionKey.OP_READ) != 0) {
                flow.read();
            }
        } catch (IOException e) { // the explanation names the target; saying it twice helps nobody
            throw new ClientException("connection " + flow.id + ": " + SocketErrors.explain(e, target()), e);
        }
    }

    private boolean takeMessage() {
        if (!starting || (!plan.timed() && started >= plan.messages())) {
            return false;
        }
        started++;
        return true;
    }

    private String target() {
        return HostPort.format(plan.target());
    }

    /** One connection and its message in flight. */
    private final class Flow {
        final int id;
        final SocketChannel channel;
        final ByteBuffer out;      // this connection's view of the payload, for writing
        final ByteBuffer expected; // and for checking the echo
        SelectionKey key;
        boolean connected;
        boolean busy;
        int received;
        long sentAt;

        Flow(int id, SocketChannel channel, ByteBuffer view) {
            this.id = id;
            this.channel = channel;
            this.out = view;
            this.expected = view.duplicate();
        }

        void finishConnect() {
            try {
                if (channel.finishConnect()) {
                    connected();
                }
            } catch (IOException e) {
                throw new ClientException(SocketErrors.explain(e, target()).toString(), e);
            }
        }

        void connected() {
            connected = true;
            key.interestOps(SelectionKey.OP_READ);
        }

        void startMessage(long at) throws IOException {
            if (!takeMessage()) {
                busy = false;
                return;
            }
            busy = true;
            inFlight++;
            received = 0;
            sentAt = at;
            out.clear();
            write();
        }

        void write() throws IOException {
            channel.write(out);
            int want = out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != want) {
                key.interestOps(want);
            }
        }

        void read() throws IOException {
            readBuffer.clear();
            if (busy) {
                readBuffer.limit(Math.min(readBuffer.capacity(), plan.size() - received));
            }
            int n = channel.read(readBuffer);
            if (n < 0) {
                throw new ClientException("connection " + id + " to " + target() + " was closed by the server after "
                        + received + " of " + plan.size() + " bytes of a message came back");
            }
            if (n == 0) {
                return;
            }
            if (!busy) {
                throw new ClientException("connection " + id + " to " + target() + ": the server sent " + n
                        + " bytes nobody asked for");
            }
            readBuffer.flip();
            expected.limit(received + n).position(received);
            if (readBuffer.mismatch(expected) >= 0) {
                throw new ClientException("connection " + id + " to " + target() + ": the echo differs from what"
                        + " was sent at byte " + (received + readBuffer.mismatch(expected)) + " of the message");
            }
            received += n;
            lastEcho = System.nanoTime();
            if (received == plan.size()) {
                inFlight--;
                if (lastEcho >= measureFrom && lastEcho < measureUntil) {
                    completed++;
                    echoedBytes += plan.size();
                    latency.record(lastEcho - sentAt);
                }
                startMessage(lastEcho);
            }
        }
    }
}
