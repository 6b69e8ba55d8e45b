package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exec plugin side by side with Debian's xinetd on loopback: the same programs, configured for
 * netsvc by {@code netsvc import-xinetd} from the very file xinetd runs, answer the same bytes to the same
 * input, a large stream both ways and a client that half-closes included.
 */
class ExecXinetdIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    /** Writes {@code input} while reading, half-closes, and returns every byte until the server's end. */
    static byte[] exchange(int port, byte[] input) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(input);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] output = socket.getInputStream().readAllBytes();
            writer.join();
            return output;
        }
    }

    @Test
    void theSameProgramsAnswerTheSameBytesAsUnderXinetd() throws Exception {
        Path greet = Files.writeString(tmp.resolve("greet"), "#!/bin/sh\nread line\necho \"hello, $line\"\n");
        Files.setPosixFilePermissions(greet, PosixFilePermissions.fromString("rwxr-xr-x"));
        int cat = XinetdPeer.freePort();
        int date = XinetdPeer.freePort();
        int hello = XinetdPeer.freePort();
        String services = XinetdPeer.service("cat", cat, "/bin/cat", "")
                + XinetdPeer.service("date", date, "/bin/date", "-u +%Y-%m-%dT%H:%M:%S")
                + XinetdPeer.service("greet", hello, greet.toString(), "");
        try (XinetdPeer xinetd = XinetdPeer.start(tmp, services, cat)) {
            DistProcess.Result imported = DistProcess.exec(WAIT, "import-xinetd", xinetd.config.toString());
            assertEquals(0, imported.exitCode(), imported::toString);
            assertTrue(imported.stdout().contains("cat.command=/bin/cat") && imported.stdout().contains("greet.command=" + greet),
                    imported::toString);
            Path conf = Files.writeString(tmp.resolve("imported.properties"), imported.stdout());
            // the same services on free ports of netsvc's own: xinetd holds the imported ones
            try (DistProcess netsvc = DistProcess.run("-c", conf.toString(), "-e", "cat,date,greet", "--set", "cat.port=0",
                    "--set", "date.port=0", "--set", "greet.port=0")) {
                int[] ours = {netsvc.port("cat", "tcp"), netsvc.port("date", "tcp"), netsvc.port("greet", "tcp")};
                byte[] big = new byte[8 << 20];
                new Random(29).nextBytes(big);
                for (byte[] input : new byte[][] {"hello\n".getBytes(StandardCharsets.US_ASCII), new byte[0], big,
                        Arrays.copyOf(big, 100_000)}) {
                    byte[] theirs = exchange(cat, input);
                    assertArrayEquals(input, theirs, "xinetd's cat");
                    assertArrayEquals(theirs, exchange(ours[0], input), "netsvc's cat, " + input.length + " bytes both ways");
                }
                // one line only: input the script leaves unread makes the kernel reset xinetd's connection as the
                // script exits (netsvc drops it quietly: ExecTcpTest), so what a client reads then is a race
                byte[] line = "world\n".getBytes(StandardCharsets.US_ASCII);
                assertEquals("hello, world\n", new String(exchange(hello, line), StandardCharsets.US_ASCII));
                assertArrayEquals(exchange(hello, line), exchange(ours[2], line), "the one-line script");
                assertTrue(sameWithinASecond(date, ours[1]), "date -u, the same second (tried three times)");
            }
        }
    }

    // date prints the second it runs in: at most two of three tries fall across a second's boundary
    private static boolean sameWithinASecond(int theirs, int ours) throws IOException {
        for (int i = 0; i < 3; i++) {
            byte[] a = exchange(theirs, new byte[0]);
            byte[] b = exchange(ours, new byte[0]);
            assertTrue(a.length == "2030-01-01T00:00:00\n".length(), new String(a, StandardCharsets.US_ASCII));
            if (Arrays.equals(a, b)) {
                return true;
            }
        }
        return false;
    }
}
