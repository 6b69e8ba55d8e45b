package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a new operator trips over, from the distribution: answers that look right and are not, hints
 * that mislead, messages that print a path where the cause should be.
 */
class OperatorIT {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void timeAgainstTheDaytimePortIsAnErrorNotAYear() {
        try (DistProcess netsvc = DistProcess.run("--enable", "daytime", "--set", "daytime.port=0")) {
            awaitFirstAnswer(netsvc.port("daytime", "tcp"));
            for (String transport : new String[] {"tcp", "udp"}) {
                List<String> args = new ArrayList<>(List.of("call", "time", "127.0.0.1:" + netsvc.port("daytime", transport)));
                if (transport.equals("udp")) {
                    args.add("--udp");
                }
                DistProcess.Result r = DistProcess.exec(T, args.toArray(String[]::new));
                assertEquals(1, r.exitCode(), r::toString);
                assertEquals("", r.stdout(), r::toString);
                assertTrue(r.stderr().contains("bytes of text; an RFC 868 time is exactly 4 bytes: is this a daytime port?"),
                        r::toString);
            }
        }
    }

    /**
     * The first daytime answer formats the first date (time zone names load then), which on a loaded
     * machine can outlast the server's linger; wait until the service has answered once.
     */
    private static void awaitFirstAnswer(int port) {
        Await.until(T, "daytime answers on tcp " + port, () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5000);
                return s.getInputStream().readAllBytes().length > 0;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void aServerThatAcceptsButNeverSpeaksIsNotBlamedOnAFirewall() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String target = "127.0.0.1:" + silent.getLocalPort();
            for (String[] call : new String[][] {{"time", target}, {"daytime", target}, {"qotd", target, "--tcp"}}) {
                List<String> args = new ArrayList<>(List.of("call"));
                args.addAll(List.of(call));
                args.addAll(List.of("--timeout", "300ms"));
                DistProcess.Result r = DistProcess.exec(T, args.toArray(String[]::new));
                assertEquals(1, r.exitCode(), r::toString);
                assertTrue(r.stderr().contains("connected to " + target + ", but it sent nothing within the timeout"), r::toString);
                assertFalse(r.stderr().contains("firewall"), r::toString);
            }
        }
    }

    @Test
    void helpForACommandAndMissingOptionValues() {
        DistProcess.Result help = DistProcess.exec(T, "help", "run");
        assertEquals(0, help.exitCode(), help::toString);
        assertTrue(help.stdout().startsWith("usage: netsvc run"), help::toString);

        DistProcess.Result set = DistProcess.exec(T, "run", "--set");
        assertEquals(2, set.exitCode(), set::toString);
        assertTrue(set.stderr().contains("missing value for option --set"), set::toString);

        DistProcess.Result usage = DistProcess.exec(T, "call", "qotd", "--help");
        assertTrue(usage.stdout().contains("usage: netsvc call qotd HOST[:PORT] [--tcp] [--retries N]"), usage::toString);
    }

    @Test
    void configurationFilesMergeInOrderAndSayWhatIsWrongWithThem(@TempDir Path tmp) throws IOException {
        Path a = Files.writeString(tmp.resolve("a.properties"), "time.port=0\n");
        Path b = Files.writeString(tmp.resolve("b.properties"), "time.bogus=1\n");
        DistProcess.Result both = DistProcess.exec(T, "run", "--enable", "time", "-c", a.toString(), "-c", b.toString());
        assertEquals(2, both.exitCode(), both::toString);
        assertTrue(both.stderr().contains("unknown key 'time.bogus' (in --config " + b + ")"), both::toString);

        Path bom = tmp.resolve("bom.properties");
        Files.write(bom, "\uFEFFtime.bogus=1\n".getBytes(StandardCharsets.UTF_8));
        DistProcess.Result withBom = DistProcess.exec(T, "run", "-c", bom.toString());
        assertEquals(2, withBom.exitCode(), withBom::toString);
        assertTrue(withBom.stderr().contains("unknown key 'time.bogus'"), "the mark is not part of the key\n" + withBom);

        Path latin1 = tmp.resolve("latin1.properties");
        Files.write(latin1, "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        DistProcess.Result notUtf8 = DistProcess.exec(T, "run", "-c", latin1.toString());
        assertEquals(2, notUtf8.exitCode(), notUtf8::toString);
        assertTrue(notUtf8.stderr().contains(latin1 + " is not UTF-8: line 1, column 6"), notUtf8::toString);

        DistProcess.Result dir = DistProcess.exec(T, "run", "-c", tmp.toString());
        assertEquals(2, dir.exitCode(), dir::toString);
        assertTrue(dir.stderr().contains("--config: cannot read configuration file " + tmp + ": it is a directory"), dir::toString);
    }

    /**
     * Files the process may not read. Root reads everything, so as root the command runs as 'nobody'
     * (runuser); as anyone else the files are simply made unreadable.
     */
    @Test
    void unreadableFilesSayPermissionDenied(@TempDir Path tmp) throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = Files.writeString(tmp.resolve("secret.properties"), "time.port=0\n");
        Path quotes = Files.writeString(tmp.resolve("quotes.txt"), "A quote.\n");
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(quotes, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        boolean root0 = "root".equals(System.getProperty("user.name"));
        if (!root0) { // the owner may read mode 0600; take it away
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
            Files.setPosixFilePermissions(quotes, PosixFilePermissions.fromString("---------"));
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("---------"));
        }

        DistProcess.Result config = unprivileged(root0, "run", "-c", secret.toString());
        assertEquals(2, config.exitCode(), config::toString);
        assertTrue(config.stderr().contains("cannot read configuration file " + secret + ": permission denied"), config::toString);

        // the installation is root's: the unprivileged host keeps its control socket in a folder it may write
        Path control = Files.createDirectories(tmp.resolve("control"));
        Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rwxrwxrwx"));
        String socket = "admin.socket=" + control.resolve("netsvc.sock");
        DistProcess.Result qotd = unprivileged(root0, "run", "--enable", "qotd", "--set", "qotd.port=0",
                "--set", "qotd.quotes=" + quotes, "--set", socket, "--set", "admin.enabled=false");
        assertEquals(2, qotd.exitCode(), qotd::toString);
        assertTrue(qotd.stderr().contains("qotd.quotes (--set): " + quotes + " cannot be read by this user (permission denied)"),
                qotd::toString);

        DistProcess.Result http = unprivileged(root0, "run", "--enable", "http", "--set", "http.port=0",
                "--set", "http.root=" + root, "--set", socket, "--set", "admin.enabled=false");
        assertEquals(2, http.exitCode(), http::toString);
        assertTrue(http.stderr().contains("http.root (--set): " + root + " cannot be read by this user (permission denied)"),
                http::toString);
    }

    private static DistProcess.Result unprivileged(boolean asRoot, String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of(Tools.require("runuser"), "-u", "nobody", "--"));
        }
        command.add(DistProcess.launcher().toString());
        command.addAll(List.of(args));
        return Tools.run(T, new byte[0], command.toArray(String[]::new));
    }

    @Test
    void resolveRefusesWhatIsNotAHostName() {
        DistProcess.Result empty = DistProcess.exec(T, "resolve", "");
        assertEquals(2, empty.exitCode(), empty::toString);
        assertEquals("", empty.stdout(), empty::toString);
        DistProcess.Result withPort = DistProcess.exec(T, "resolve", "localhost:80");
        assertEquals(2, withPort.exitCode(), withPort::toString);
        assertTrue(withPort.stderr().contains("netsvc resolve localhost"), withPort::toString);
        DistProcess.Result both = DistProcess.exec(T, "resolve", "-4", "-6", "localhost");
        assertEquals(2, both.exitCode(), both::toString);
    }

    @Test
    void listShowsTheConfiguredPortAndReportsATypo(@TempDir Path tmp) throws IOException {
        Path conf = Files.writeString(tmp.resolve("my.properties"), "daytime.port=1414\ntime.enabled=false\n");
        DistProcess.Result list = DistProcess.exec(T, "list", "-c", conf.toString());
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.stdout().matches("(?s).*service daytime +tcp\\+udp +port 1414 .*"), list::toString);
        assertTrue(list.stdout().contains("(disabled in --config " + conf + ")"), list::toString);

        Path typo = Files.writeString(tmp.resolve("typo.properties"), "daytime.prot=1414\n");
        DistProcess.Result bad = DistProcess.exec(T, "list", "-c", typo.toString());
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().contains("unknown key 'daytime.prot'"), bad::toString);
    }

    @Test
    void benchIntoAPipeDrawsNoProgressLine() {
        try (DistProcess netsvc = DistProcess.run("--enable", "echo-blocking", "--set", "echo-blocking.port=0")) {
            DistProcess.Result r = DistProcess.exec(T, "bench", "echo", "127.0.0.1:" + netsvc.port("echo-blocking", "tcp"),
                    "--duration", "1500ms");
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stdout().contains("messages/s:"), r::toString);
            assertFalse(r.stderr().contains("\r") || r.stderr().contains("    "), "no progress line or padding\n" + r);
        }
    }

    @Test
    void httpOutputFileHasTheDefaultPermissions(@TempDir Path tmp) throws IOException {
        try (DistProcess netsvc = DistProcess.run("--enable", "http", "--set", "http.port=0")) {
            Path file = tmp.resolve("index.html");
            DistProcess.Result r = DistProcess.exec(T, "call", "http", "-o", file.toString(),
                    "http://127.0.0.1:" + netsvc.port("http", "tcp") + "/");
            assertEquals(0, r.exitCode(), r::toString);
            Path reference = Files.writeString(tmp.resolve("reference"), "x"); // what our umask gives a new file
            assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(reference)),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

            Path nowhere = tmp.resolve("no/such/dir/x");
            DistProcess.Result bad = DistProcess.exec(T, "call", "http", "-o", nowhere.toString(),
                    "http://127.0.0.1:" + netsvc.port("http", "tcp") + "/");
            assertEquals(1, bad.exitCode(), bad::toString);
            assertTrue(bad.stderr().contains("cannot write " + nowhere + ": the folder " + nowhere.getParent()
                    + " does not exist"), bad::toString);
            assertFalse(bad.stderr().contains(".part"), bad::toString);
        }
    }
}
