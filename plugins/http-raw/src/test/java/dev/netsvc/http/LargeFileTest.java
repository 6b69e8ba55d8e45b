package dev.netsvc.http;

import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files of every size class, byte-exact, on both transports: cached (up to 16k here), read in chunks
 * (up to the 64k sendfile threshold here) and sent by the kernel above it; to fast, slow and aborting
 * clients; and no file stays open afterwards. The access log goes to a file, so the bytes it records
 * for a download are checked against what the client got.
 */
@ParameterizedClass(name = "io={0}")
@ValueSource(strings = {"selector", "blocking"})
class LargeFileTest {

    static final int THRESHOLD = 64 * 1024;

    @Parameter
    String io;

    @TempDir
    Path tmp;
    Path www;
    Path log;
    ServiceHarness http;

    @BeforeEach
    void start() throws IOException {
        www = Files.createDirectories(tmp.resolve("www"));
        log = tmp.resolve("logs/access.log");
        http = ServiceHarness.of(new HttpService()).set("root", www.toString()).set("io", io)
                .set("file-cache-max-file", "16k").set("sendfile-threshold", String.valueOf(THRESHOLD))
                .set("access-log-file", log.toString()).set("idle-timeout", "20s")
                .grace(Duration.ofMillis(300)).start();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    /** A file of {@code size} random bytes (or, when huge, sparse with random bytes at both ends and the middle). */
    Path file(String name, long size) throws IOException {
        Path p = www.resolve(name);
        Random random = new Random(size);
        if (size <= 4 << 20) {
            byte[] b = new byte[(int) size];
            random.nextBytes(b);
            Files.write(p, b);
        } else {
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(size);
                byte[] b = new byte[100_000];
                for (long at : List.of(0L, size / 2, size - b.length)) {
                    random.nextBytes(b);
                    f.seek(at);
                    f.write(b);
                }
            }
        }
        return p;
    }

    static String sha256(Path p) throws IOException {
        MessageDigest sha = Download.sha256();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 16 * 1024, 16 * 1024 + 1, THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, (1 << 20) + 7, 5_000_000})
    void fastClientGetsEveryByte(long size) throws IOException {
        Path f = file("f" + size + ".bin", size);
        try (Download d = new Download(http.tcp(), 0).get("/" + f.getFileName())) {
            assertEquals(200, d.status);
            assertEquals(size, d.contentLength);
            assertEquals(sha256(f), d.readBody(Long.MAX_VALUE, 1 << 16, 0));
            assertEquals(size, d.bodyRead);
        }
        assertLogged(f, 200, size);
    }

    /**
     * With every file sent by the kernel, files around the size of one chunk (64 KiB, what sendfile moves
     * at a time): some end within it, some just after it.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, SpareBuffers.FILE_CHUNK - 1, SpareBuffers.FILE_CHUNK, SpareBuffers.FILE_CHUNK + 1})
    void filesEndingInOrJustAfterTheFirstChunk(long size) throws IOException {
        http.close();
        http = ServiceHarness.of(new HttpService()).set("root", www.toString()).set("io", io)
                .set("file-cache-max-file", "0").set("sendfile-threshold", "0")
                .set("access-log-file", log.toString()).grace(Duration.ofMillis(300)).start();
        Path f = file("chunk" + size + ".bin", size);
        try (Download d = new Download(http.tcp(), 0).get("/" + f.getFileName())) {
            assertEquals(200, d.status);
            assertEquals(sha256(f), d.readBody(Long.MAX_VALUE, 1 << 16, 0));
            assertEquals(size, d.bodyRead);
            d.bodyRead = 0; // again on the same connection: the first file left nothing queued
            d.get("/" + f.getFileName());
            assertEquals(sha256(f), d.readBody(Long.MAX_VALUE, 1 << 16, 0));
        }
        assertLogged(f, 200, size);
        assertNoFileOpen(f);
    }

    @Test
    void twoHundredMegabytes() throws IOException {
        Path f = file("big.bin", 200_000_000L);
        try (Download d = new Download(http.tcp(), 0).get("/big.bin")) {
            assertEquals(200_000_000L, d.contentLength);
            assertEquals(sha256(f), d.readBody(Long.MAX_VALUE, 1 << 16, 0));
        }
        assertLogged(f, 200, 200_000_000L);
        assertNoFileOpen(f);
    }

    @ParameterizedTest
    @ValueSource(longs = {THRESHOLD - 1, THRESHOLD + 1, 3_000_001})
    void slowClientGetsEveryByte(long size) throws IOException {
        Path f = file("s" + size + ".bin", size);
        try (Download d = new Download(http.tcp(), 4096).get("/" + f.getFileName())) {
            assertEquals(sha256(f), d.readBody(Long.MAX_VALUE, 1024, 32 * 1024));
        }
        assertLogged(f, 200, size);
        assertNoFileOpen(f);
    }

    @Test
    void keepAliveAfterASendfileResponse() throws IOException {
        Path big = file("k.bin", 300_000);
        Path small = file("small.bin", 10);
        try (Download d = new Download(http.tcp(), 0).get("/k.bin")) {
            assertEquals(sha256(big), d.readBody(Long.MAX_VALUE, 1 << 16, 0));
            d.bodyRead = 0;
            d.get("/small.bin");
            assertEquals(sha256(small), d.readBody(Long.MAX_VALUE, 1 << 16, 0));
        }
    }

    @Test
    void abortingClientIsLoggedWithTheBytesSentAndTheFileIsClosed() throws IOException {
        Path f = file("abort.bin", 50_000_000L);
        long got;
        try (Download d = new Download(http.tcp(), 0).get("/abort.bin")) {
            d.readBody(1_000_000, 1 << 16, 0);
            got = d.bodyRead;
            d.abort();
        }
        long logged = awaitLogged(f);
        assertTrue(logged >= got && logged < 50_000_000L, "logged " + logged + " bytes; the client read " + got);
        assertNoFileOpen(f);
        // the server carries on
        Path small = file("after.bin", 100);
        try (Download d = new Download(http.tcp(), 0).get("/after.bin")) {
            assertEquals(sha256(small), d.readBody(Long.MAX_VALUE, 1024, 0));
        }
    }

    @Test
    void shutdownCutsADownloadAndLogsTheBytesSent() throws IOException {
        Path f = file("cut.bin", 50_000_000L);
        try (Download d = new Download(http.tcp(), 8192).get("/cut.bin")) {
            d.readBody(200_000, 8192, 0);
            long got = d.bodyRead;
            http.close(); // 300 ms grace, then the download is cut
            String line = logLine(f);
            long logged = bytesOf(line);
            assertTrue(line.contains("\" 200 "), line);
            assertTrue(logged >= got && logged < 50_000_000L, "logged " + logged + " bytes; the client read " + got);
        }
        assertNoFileOpen(f);
    }

    // ---- the access log and open files --------------------------------------------------------------

    void assertLogged(Path f, int status, long bytes) throws IOException {
        Await.until(Duration.ofSeconds(10), "a log line for " + f.getFileName(), () -> logLine(f) != null);
        String line = logLine(f);
        assertTrue(line.contains("\" " + status + " " + (bytes == 0 ? "-" : bytes) + " "), line);
    }

    long awaitLogged(Path f) {
        Await.until(Duration.ofSeconds(10), "a log line for " + f.getFileName(), () -> logLine(f) != null);
        return bytesOf(logLine(f));
    }

    String logLine(Path f) {
        try {
            if (!Files.exists(log)) {
                return null;
            }
            return Files.readAllLines(log).stream().filter(l -> l.contains("GET /" + f.getFileName() + " ")).findFirst().orElse(null);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The bytes field: {@code ... "GET /x HTTP/1.1" 200 1234 0.002}. */
    static long bytesOf(String line) {
        String[] after = line.substring(line.lastIndexOf('"') + 2).split(" ");
        return after[1].equals("-") ? 0 : Long.parseLong(after[1]);
    }

    /** No descriptor of this process points at {@code f} (within a deadline: the close runs on the server's thread). */
    static void assertNoFileOpen(Path f) {
        Await.until(Duration.ofSeconds(10), f.getFileName() + " closed", () -> !isOpen(f));
    }

    static boolean isOpen(Path f) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            Path real = f.toRealPath();
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException e) {
                    return false; // closed while listing
                }
            });
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
