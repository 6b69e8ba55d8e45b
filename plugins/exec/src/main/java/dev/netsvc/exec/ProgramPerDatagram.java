package dev.netsvc.exec;

import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.net.GracefulStop;
import dev.netsvc.core.udp.UdpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * A program per datagram: the datagram on its standard input (then the end of input), its standard
 * output, at most {@code udp-reply-size} bytes, sent back as the reply once it has exited. The UDP
 * engine's guard comes first (loops, access rules, the per-source and global rates); then at most
 * {@code max-connections} programs run at once, and a datagram that finds them all busy is dropped
 * ({@code udp.dropped.busy}): UDP has no backlog to wait in. A program that writes more than the reply
 * may hold is ended and sends nothing ({@code exec.ended.too-long}), as does one that could not start or
 * was ended by the service; an empty output sends nothing.
 *
 * <p>The engine's receive thread must not block, so it only copies the datagram and hands it to a
 * thread of its own (a virtual one when the programs' pipes are channels; else a platform one, since a pipe
 * read would hold a virtual thread's carrier, see {@link ProgramPerConnection}), which sends the reply
 * through the engine when it is ready.
 */
final class ProgramPerDatagram implements UdpHandler {

    private static final long STACK = 256 * 1024;

    private final String serviceId;
    private final ProgramStarter starter;
    private final Programs programs;
    private final StderrLog stderr;
    private final StartFailures startFailures;
    private final int replySize;
    private final Semaphore slots;
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final LongAdder busy;
    private volatile InetSocketAddress local;
    private volatile BiConsumer<ByteBuffer, InetSocketAddress> replies;

    ProgramPerDatagram(ExecSettings settings, ProgramStarter starter, Programs programs, StderrLog stderr,
                       StartFailures startFailures, ServiceCounters counters) {
        this.serviceId = settings.serviceId();
        this.starter = starter;
        this.programs = programs;
        this.stderr = stderr;
        this.startFailures = startFailures;
        this.replySize = settings.udpReplySize();
        this.slots = new Semaphore(settings.maxPrograms());
        this.busy = counters.counter(Counters.UDP_DROPPED.member("busy"));
    }

    /** The engine has started: its address (the programs' {@code UDPLOCAL*}) and where replies go. */
    void bound(InetSocketAddress local, BiConsumer<ByteBuffer, InetSocketAddress> replies) {
        this.local = local;
        this.replies = replies;
    }

    @Override
    public boolean handle(ByteBuffer request, InetSocketAddress source, ByteBuffer reply) {
        if (!slots.tryAcquire()) {
            busy.increment();
            return false;
        }
        byte[] datagram = new byte[request.remaining()];
        request.get(datagram);
        Thread.Builder builder = starter.spawns() ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true).stackSize(STACK);
        Thread worker = builder.name(serviceId + "-datagram").unstarted(() -> {
            try {
                answer(datagram, source);
            } finally {
                slots.release();
                workers.remove(Thread.currentThread());
                GracefulStop.removed(workers);
            }
        });
        workers.add(worker);
        worker.start();
        return false; // the worker replies
    }

    private void answer(byte[] datagram, InetSocketAddress source) {
        Program program;
        try {
            program = starter.start(UcspiEnvironment.udp(source, local), programs.now(), () -> false);
        } catch (IOException e) {
            startFailures.failed(e);
            return;
        }
        programs.add(program);
        try {
            Thread err = program.copier(serviceId + "-pid" + program.pid() + "-err").start(() -> stderr.copy(program));
            program.process.onExit().thenRun(() -> program.exited(programs.now()));
            feed(program.process.getOutputStream(), datagram);
            byte[] output = readReply(program);
            program.process.onExit().join();
            err.join();
            if (output != null && output.length > 0 && program.endReason().equals("exit") && !program.wasNotExecuted()) {
                replies.accept(ByteBuffer.wrap(output), source);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            program.closePipes();
            programs.remove(program);
        }
    }

    /** The datagram then the end of input; a datagram fits a pipe's buffer, so this never waits on the program. */
    private static void feed(OutputStream stdin, byte[] datagram) {
        try (stdin) {
            stdin.write(datagram);
        } catch (IOException e) {
            // it exited, or closed its input without reading: its output is still its answer
        }
    }

    /** The output, or null when it was longer than a reply may be (the program is then ended). */
    private byte[] readReply(Program program) {
        InputStream stdout = program.process.getInputStream();
        try {
            byte[] output = stdout.readNBytes(replySize);
            byte[] sink = new byte[4096];
            if (stdout.read(sink) < 0) {
                return output;
            }
            program.terminate("too-long", programs.now());
            while (stdout.read(sink) >= 0) {
                // until every writer has gone
            }
        } catch (IOException e) {
            // the pipe closed under us: no reply
        }
        return null;
    }

    /** Waits until every datagram's thread has ended, or {@code deadlineNanos} passes. */
    boolean awaitWorkers(long deadlineNanos) {
        return GracefulStop.awaitEmpty(workers, deadlineNanos);
    }
}
