package dev.netsvc.exec;

import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.TcpConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * inetd's {@code nowait} TCP service: a program per connection, its standard input and output the
 * connection. The host copies between them, one thread each way, so each side waits for the other (a
 * client that does not read stops the program's writes once the pipe is full, a program that does not
 * read stops the client's), and a half-close reaches the program as the end of its input. Standard
 * error goes to the log ({@link StderrLog}).
 *
 * <p>The copies run on virtual threads when the program's pipes are channels ({@link Program#copier}); on
 * platform threads when they are the JDK's {@link ProcessBuilder} streams, since a read from one holds the
 * virtual thread's carrier, and the JDK adds carriers only up to 256, so a hundred idle programs (two pipes
 * each) would stop every virtual thread of the host, other services included. Their number is bounded by
 * {@code max-connections}: three per connection (input, output, standard error).
 *
 * <p>How a connection ends: the program's output ends (it and its children closed it, usually by
 * exiting): FIN after the last byte; the program exits: whatever it left in its group is ended
 * ({@link Program#exited}); the client's input that still comes is read and dropped until the client
 * closes too, for at most {@link #LINGER}, so the kernel does not answer it with a reset that could
 * destroy output the client has not read yet. The client goes (a write or read fails): the program is
 * ended (SIGTERM, then SIGKILL). The idle timeout, {@code timeout} and a stop end it through
 * {@link Programs}.
 */
final class ProgramPerConnection implements BlockingTcpServer.Handler {

    /** How long input is read and dropped after the program's output ended, waiting for the client's FIN. */
    static final Duration LINGER = Duration.ofSeconds(2);
    /** Most bytes dropped so; a client still sending is not finishing. */
    static final int LINGER_MAX_BYTES = 256 * 1024;
    static final int BUFFER = 16 * 1024;

    private final String serviceId;
    private final ProgramStarter starter;
    private final Programs programs;
    private final StderrLog stderr;
    private final StartFailures startFailures;
    private final LongAdder received;
    private final LongAdder sent;

    ProgramPerConnection(String serviceId, ProgramStarter starter, Programs programs, StderrLog stderr,
                         StartFailures startFailures, LongAdder received, LongAdder sent) {
        this.serviceId = serviceId;
        this.starter = starter;
        this.programs = programs;
        this.stderr = stderr;
        this.startFailures = startFailures;
        this.received = received;
        this.sent = sent;
    }

    /** One connection, on its own virtual thread, which only starts the program and waits for the copies. */
    @Override
    public void serve(TcpConnection connection) throws IOException {
        Program program;
        try {
            program = starter.start(UcspiEnvironment.tcp(connection.remoteAddress(), connection.localAddress()),
                    programs.now(), () -> !connection.isOpen());
        } catch (IOException e) {
            startFailures.failed(e);
            connection.logFailure("the program did not start: " + e.getMessage());
            // the client gets nothing, as from a service that is down: a FIN, not the reset that closing with its
            // request unread would send
            connection.closeLingering(LINGER);
            return;
        }
        programs.add(program);
        try {
            serve(connection, program);
        } finally {
            program.closePipes();
            programs.remove(program);
        }
    }

    private void serve(TcpConnection connection, Program program) {
        Copies copies = new Copies(connection, program);
        CompletableFuture<Void> err = run(program, "err", () -> stderr.copy(program));
        CompletableFuture<Boolean> in = CompletableFuture.supplyAsync(copies::input,
                r -> thread(program, "in", r).start());
        CompletableFuture<Void> out = run(program, "out", copies::output);
        program.process.onExit().thenRun(() -> program.exited(programs.now()));
        out.join(); // the program's output ended (or the client went, and it was ended)
        program.process.onExit().join();
        copies.linger();
        boolean clientEnded = in.join();
        err.join();
        if (!clientEnded) {
            connection.closeLingering(LINGER); // input stopped before the client's end: read what is left
        }
        connection.logDetail(program.describe());
        if (program.wasNotExecuted()) {
            connection.logFailure("the program could not be executed (its standard error says why)");
        }
    }

    private CompletableFuture<Void> run(Program program, String what, Runnable copy) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        thread(program, what, () -> {
            try {
                copy.run();
            } finally {
                done.complete(null);
            }
        }).start();
        return done;
    }

    private Thread thread(Program program, String what, Runnable task) {
        return program.copier(serviceId + "-pid" + program.pid() + "-" + what).unstarted(task);
    }

    /** The two copies of one connection. */
    private final class Copies {
        private final TcpConnection connection;
        private final Program program;
        private volatile boolean lingering;

        Copies(TcpConnection connection, Program program) {
            this.connection = connection;
            this.program = program;
        }

        /** The program's standard output to the client; FIN once it ends. */
        void output() {
            byte[] bytes = new byte[BUFFER];
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            InputStream stdout = program.process.getInputStream();
            try {
                for (int n; (n = stdout.read(bytes)) >= 0; ) {
                    if (n > 0 && !send(buffer.clear().limit(n))) {
                        drain(stdout);
                        return;
                    }
                }
                connection.shutdownOutput();
            } catch (IOException e) {
                // the pipe failed under us (it was closed): the program's end is near either way
            }
        }

        private boolean send(ByteBuffer buffer) {
            try {
                connection.write(buffer);
                sent.add(buffer.limit());
                return true;
            } catch (IOException e) {
                program.terminate(connection.isOpen() ? "client-gone" : "connection-closed", programs.now());
                return false;
            }
        }

        /** The client is gone: the rest of the output is read and dropped, so nothing in the group blocks on it. */
        private void drain(InputStream stdout) throws IOException {
            byte[] sink = new byte[BUFFER];
            while (stdout.read(sink) >= 0) {
                // until every writer has gone
            }
        }

        /**
         * The client's input to the program's standard input. Returns true when the client's end of input
         * was read (a half-close, or the host ending input as it stops), false when it stopped before: the
         * program's input failed (it closed it, or exited), or the client went.
         */
        boolean input() {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            OutputStream stdin = program.process.getOutputStream();
            try (stdin) {
                long dropped = 0;
                for (int n; (n = connection.read(buffer.clear())) >= 0; ) {
                    received.add(n);
                    if (lingering) {
                        if ((dropped += n) > LINGER_MAX_BYTES) {
                            return false;
                        }
                    } else if (!deliver(stdin, buffer.array(), n)) {
                        return false; // it takes no more: the rest stays with the client, as with xinetd
                    }
                }
                return true;
            } catch (SocketTimeoutException e) {
                return true; // the linger ran out: input is shut, nothing is left to protect
            } catch (IOException e) {
                if (!lingering) { // a reset, or the connection closed under us
                    program.terminate(connection.isOpen() ? "client-gone" : "connection-closed", programs.now());
                }
                return true;
            }
        }

        private static boolean deliver(OutputStream stdin, byte[] bytes, int n) {
            try {
                stdin.write(bytes, 0, n);
                stdin.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** The program and its output have ended: what the client still sends is dropped until it closes. */
        void linger() {
            lingering = true;
            connection.readDeadline(LINGER);
        }
    }
}
