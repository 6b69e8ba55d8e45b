package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's xinetd, started by a test as a peer on loopback: a configuration of its own, in the foreground,
 * stopped with the test. Its {@code cps} is raised so its default (50 a second, then 10 s off) is not
 * what a test measures.
 */
final class XinetdPeer implements AutoCloseable {

    private final Process process;
    final Path config;

    private XinetdPeer(Process process, Path config) {
        this.process = process;
        this.config = config;
    }

    /** A port nobody listens on now (bound and released: xinetd cannot be given port 0). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A service section running {@code server} with {@code args} on {@code port}, as a file's text. */
    static String service(String name, int port, String server, String args) {
        return "service " + name + "\n{\n\ttype = UNLISTED\n\tport = " + port + "\n\tsocket_type = stream\n\tprotocol = tcp\n"
                + "\twait = no\n\tuser = root\n\tbind = 127.0.0.1\n\tinstances = UNLIMITED\n\tserver = " + server + "\n"
                + (args.isEmpty() ? "" : "\tserver_args = " + args + "\n") + "}\n";
    }

    /** Starts xinetd with {@code services} in {@code dir}/xinetd.conf and waits until {@code port} accepts. */
    static XinetdPeer start(Path dir, String services, int port) throws IOException {
        String xinetd = Tools.require("xinetd");
        Path config = Files.writeString(dir.resolve("xinetd.conf"), "defaults\n{\n\tcps = 100000 1\n}\n" + services);
        Process p = new ProcessBuilder(xinetd, "-dontfork", "-stayalive", "-f", config.toString(), "-pidfile",
                dir.resolve("xinetd.pid").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("xinetd.out").toFile()).start();
        XinetdPeer peer = new XinetdPeer(p, config);
        Await.until(Duration.ofSeconds(30), () -> "xinetd to listen on " + port + ": " + peer.output(), () -> accepts(port));
        return peer;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String output() {
        try {
            Path out = config.resolveSibling("xinetd.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
