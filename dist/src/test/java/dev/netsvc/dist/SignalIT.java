package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signals an operator sends to a running host, during a long HTTP download that must complete. */
class SignalIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final long SIZE = 256L << 20;

    @Test
    void hupUsr1AndUsr2DuringALongDownloadLeaveItWhole(@TempDir Path tmp) throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        try (RandomAccessFile big = new RandomAccessFile(www.resolve("big.bin").toFile(), "rw")) {
            big.setLength(SIZE); // sparse: 256 MB of zeros that take no disk
        }
        Path conf = tmp.resolve("netsvc.properties");
        Files.writeString(conf, "http.root=" + www + "\n");
        try (DistProcess netsvc = DistProcess.run("--enable", "http", "--set", "http.port=0", "--config", conf.toString())) {
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), netsvc.port("http", "tcp"))) {
                client.setSoTimeout(30_000);
                OutputStream out = client.getOutputStream();
                out.write("GET /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = client.getInputStream();
                long body = readHeadAndSome(in, 1 << 20);

                netsvc.signal("HUP");
                netsvc.awaitLine(T, Pattern.compile("reloaded: nothing changed"));
                netsvc.signal("USR1");
                netsvc.awaitLine(T, Pattern.compile("SIGUSR1: status"));
                netsvc.awaitLine(T, Pattern.compile("^http +running +tcp 127\\.0\\.0\\.1:\\d+"));
                netsvc.signal("USR2"); // the JVM's own signal: nothing happens, the host lives on (the HUP below answers)
                Files.writeString(conf, "http.root=" + www + "\nhttp.max-headers=banana\n");
                netsvc.signal("HUP");
                netsvc.awaitLine(T, Pattern.compile("reload refused, nothing changed: .*http\\.max-headers"));

                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    body += n;
                }
                assertEquals(SIZE, body, "the whole file arrived");
            }
            assertTrue(netsvc.isAlive(), netsvc::output);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    /** Reads the response head and at least {@code atLeast} body bytes; returns the body bytes read. */
    private static long readHeadAndSome(InputStream in, int atLeast) throws IOException {
        byte[] buf = new byte[1 << 16];
        StringBuilder head = new StringBuilder();
        long body = 0;
        boolean inBody = false;
        while (body < atLeast) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("closed after " + body + " body bytes; head " + head);
            }
            int from = 0;
            if (!inBody) {
                head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                int end = head.indexOf("\r\n\r\n");
                if (end < 0) {
                    continue;
                }
                assertTrue(head.toString().startsWith("HTTP/1.1 200"), head::toString);
                inBody = true;
                from = n - (head.length() - end - 4);
            }
            body += n - from;
        }
        return body;
    }
}
