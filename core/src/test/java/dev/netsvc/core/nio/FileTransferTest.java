package dev.netsvc.core.nio;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Connection#transferFrom}: a file region goes to the socket after the output already pending,
 * in order, byte for byte, to a client that reads slowly (the socket fills, onOutputDrained resumes it).
 */
class FileTransferTest {

    @TempDir
    Path tmp;
    private NioTcpServer server;
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<CloseReason> closed = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    /** On the first input: writes {@code head}, then the whole file, then closes. */
    final class SendFile implements ConnectionHandler {
        private final Path path;
        private final byte[] head;
        private FileChannel file;
        private long position;
        int shortReturns;

        SendFile(Path path, byte[] head) {
            this.path = path;
            this.head = head;
        }

        @Override
        public void onInput(Connection c, ByteBuffer input) throws IOException {
            input.position(input.limit());
            if (file == null) {
                file = FileChannel.open(path, StandardOpenOption.READ);
                c.write(ByteBuffer.wrap(head));
                send(c);
            }
        }

        @Override
        public void onOutputDrained(Connection c) throws IOException {
            send(c);
        }

        private void send(Connection c) throws IOException {
            long size = file.size();
            while (position < size) {
                long n = c.transferFrom(file, position, size - position);
                position += n;
                if (position < size) {
                    shortReturns++;
                }
                if (n == 0) {
                    return; // the socket is full, or the head is still pending: onOutputDrained follows
                }
            }
            c.close();
        }

        @Override
        public void onClosed(Connection c, CloseReason reason) {
            closed.add(reason);
            try {
                file.close();
            } catch (IOException e) {
                failures.add(e);
            }
        }
    }

    @Test
    void aFileFollowsThePendingOutputInOrderToASlowReader() throws IOException {
        byte[] head = new byte[1 << 20]; // more than the socket takes at once: some of it stays pending
        byte[] body = new byte[12_000_000]; // more than a loopback socket's largest send buffer (4 MiB)
        Random random = new Random(7);
        random.nextBytes(head);
        random.nextBytes(body);
        Path path = Files.write(tmp.resolve("body.bin"), body);
        ServiceContext context = ServiceContext.builder("transfer-test")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("transfer-test", List.of()))
                .counters(new ServiceCounters())
                .build();
        SendFile[] handler = new SendFile[1];
        server = NioTcpServer.start(context, NioOptions.defaults().withLoops(1), c -> handler[0] = new SendFile(path, head));
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(8192);
            s.connect(server.endpoint().address(), 5000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write('x');
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            long sinceRest = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                received.write(buf, 0, n);
                sinceRest += n;
                if (sinceRest >= 256 * 1024) { // a slow reader: pacing, not synchronisation
                    sinceRest = 0;
                    LockSupport.parkNanos(2_000_000);
                }
            }
        }
        byte[] all = received.toByteArray();
        assertEquals(head.length + body.length, all.length);
        assertArrayEquals(head, java.util.Arrays.copyOfRange(all, 0, head.length));
        assertArrayEquals(body, java.util.Arrays.copyOfRange(all, head.length, all.length));
        Await.until(Duration.ofSeconds(10), "the connection closed", () -> !closed.isEmpty());
        assertEquals(List.of(CloseReason.COMPLETED), closed);
        assertTrue(handler[0].shortReturns > 0, "the socket filled at least once, and the transfer resumed");
        assertEquals(List.of(), failures);
    }
}
