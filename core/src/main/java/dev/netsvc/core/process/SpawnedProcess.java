package dev.netsvc.core.process;

import dev.netsvc.core.internal.NativeCalls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A program {@link Spawner} started, as a {@link Process}. Its streams are the pipes' channels (a virtual
 * thread blocked on one parks). A reaper thread waits for its exit with {@code waitid(WNOWAIT)}, which
 * leaves it a zombie, then reaps it with {@code waitpid} under this object's lock; signals are sent under
 * the same lock, and only before the reaping, so a signal can never reach another process that was given
 * the same pid later. The exit value is the JDK's: the exit status, or 128 plus the number of the signal
 * that ended it.
 */
final class SpawnedProcess extends Process {

    /**
     * Threads that wait for programs to exit, one per program running (as the JDK's own "process reaper"):
     * platform threads, since a wait in C holds the thread.
     */
    private static final ExecutorService REAPERS = Executors.newCachedThreadPool(r ->
            Thread.ofPlatform().name("netsvc-process-reaper").daemon(true).stackSize(256 * 1024).unstarted(r));
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final int pid;
    private final SpawnCalls calls;
    private final ProcessHandle handle;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private boolean reaped; // under this
    private volatile int exitValue;

    private SpawnedProcess(int pid, SpawnCalls calls, Pipe.SinkChannel stdin, Pipe.SourceChannel stdout,
                           Pipe.SourceChannel stderr) {
        this.pid = pid;
        this.calls = calls;
        this.handle = ProcessHandle.of(pid).orElse(null); // a zombie at worst until reaped: found unless /proc is missing
        this.stdin = new ChannelOutput(stdin);
        this.stdout = new ChannelInput(stdout);
        this.stderr = new ChannelInput(stderr);
    }

    /** The process {@code pid} just spawned, with the parent's ends of its pipes; reaped once it exits. */
    static SpawnedProcess reaped(int pid, SpawnCalls calls, Pipe.SinkChannel stdin, Pipe.SourceChannel stdout,
                                 Pipe.SourceChannel stderr) {
        SpawnedProcess process = new SpawnedProcess(pid, calls, stdin, stdout, stderr);
        try {
            REAPERS.execute(process::reap);
        } catch (RuntimeException | OutOfMemoryError e) { // no thread to be had: end it here rather than leave a zombie
            process.destroyForcibly();
            process.reap();
        }
        return process;
    }

    /** Waits for the exit (it stays a zombie), then reaps it under the lock that signals take. */
    private void reap() {
        try (NativeCalls.Scope scope = calls.c().scope()) {
            Object siginfo = scope.allocate(SpawnCalls.SIGINFO_SIZE);
            // fails only when interrupted by a signal (EINTR) or if the child is not ours to wait for (ECHILD)
            for (int tries = 0; tries < 100
                    && calls.call(calls.waitid(), SpawnCalls.P_PID, pid, siginfo, SpawnCalls.WEXITED | SpawnCalls.WNOWAIT) != 0;
                 tries++) {
                Thread.onSpinWait();
            }
            Object status = scope.allocate(4);
            int value;
            synchronized (this) {
                value = calls.call(calls.waitpid(), pid, status, 0) == pid ? exitValue(calls.c().getInt(status, 0)) : -1;
                reaped = true;
            }
            exitValue = value;
        } finally {
            exit.complete(this);
        }
    }

    /** The JDK's exit value of a {@code waitpid} status: the exit status, or 0x80 plus the signal's number. */
    static int exitValue(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 0x80 + signal;
    }

    private synchronized boolean signal(int signal) {
        return !reaped && calls.call(calls.kill(), pid, signal) == 0;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        if (handle == null) {
            throw new UnsupportedOperationException("process " + pid + " has no handle: /proc is not mounted");
        }
        return handle;
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
        return exitValue;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return exitValue;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.copy();
    }

    @Override
    public void destroy() {
        signal(SIGTERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(SIGKILL);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public String toString() {
        return "process " + pid + (exit.isDone() ? ", exit " + exitValue : ", running");
    }

    /** A pipe's read end as a stream, reading the channel directly (no lock a virtual thread would hold). */
    private static final class ChannelInput extends InputStream {
        private final ReadableByteChannel channel;

        ChannelInput(ReadableByteChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            return length == 0 ? 0 : channel.read(ByteBuffer.wrap(bytes, offset, length));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** A pipe's write end as a stream. */
    private static final class ChannelOutput extends OutputStream {
        private final WritableByteChannel channel;

        ChannelOutput(WritableByteChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            for (ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length); buffer.hasRemaining(); ) {
                channel.write(buffer);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
