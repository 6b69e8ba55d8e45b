package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access log on a full file system: every line that could not be written is counted in
 * {@code http.access-log.dropped}, no half line is left on disk, and the log says so.
 */
class AccessLogFullDiskIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final int REQUESTS = 2000;

    @TempDir
    Path tmp;

    @Test
    void everyLineLostIsCountedAndNoHalfLineIsLeft() throws Exception {
        Path full = Files.createDirectories(tmp.resolve("full"));
        // a 16 KiB file system: it fills after a hundred-odd lines
        DistProcess.Result mount = Tools.run(T, new byte[0], Tools.require("mount"), "-t", "tmpfs", "-o", "size=16k", "tmpfs",
                full.toString());
        Tools.requireThat(mount.exitCode() == 0, "mounting a small tmpfs needs root: " + mount);
        try (DistProcess netsvc = DistProcess.run("--enable", "http", "--set", "http.port=0",
                "--set", "http.access-log-file=" + full.resolve("access.log"))) {
            int port = netsvc.port("http", "tcp");
            DistProcess.Result ab = Tools.run(T, new byte[0], Tools.require("ab"), "-n", Integer.toString(REQUESTS), "-c", "4",
                    "http://127.0.0.1:" + port + "/");
            assertTrue(ab.stdout().contains("Failed requests:        0"), ab::toString);
            Await.until(T, () -> "every line written or counted\n" + netsvc.output(),
                    () -> lines(full) + dropped(netsvc) == REQUESTS);
            byte[] log = Files.readAllBytes(full.resolve("access.log"));
            assertTrue(log.length > 0 && log[log.length - 1] == '\n', "the last line on disk is whole");
            for (String line : new String(log, StandardCharsets.US_ASCII).split("\n")) {
                assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[.+\\] \"GET / HTTP/1\\.0\" 200 \\d+ \\d+\\.\\d{3}"), line);
            }
            assertTrue(dropped(netsvc) > 0, "the file system filled up");
            assertTrue(netsvc.stderrLines().stream().filter(l -> l.contains("cannot write the access log")).count() <= 2,
                    "said at most once a minute:\n" + netsvc.output());
            assertTrue(netsvc.stderrText().contains("no space left on the device"), netsvc::output);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        } finally {
            Tools.run(T, new byte[0], Tools.require("umount"), full.toString());
        }
    }

    private static long lines(Path dir) {
        try {
            return new String(Files.readAllBytes(dir.resolve("access.log")), StandardCharsets.US_ASCII).lines().count();
        } catch (java.io.IOException e) {
            return 0; // not there yet
        }
    }

    private static final Pattern DROPPED = Pattern.compile("\"http\\.access-log\\.dropped\":(\\d+)");

    private static long dropped(DistProcess netsvc) {
        Matcher m = DROPPED.matcher(netsvc.control("status", "--json").stdout());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
