package dev.netsvc.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container image archive, read by tools nobody here wrote (skopeo as an OCI archive and as a Docker
 * archive, umoci unpacking it and turning its configuration into a runtime's), then run as a runtime
 * would run it: its root file system read-only, the volumes on tmpfs and folders of the test, its own
 * mount and PID namespaces with tini as PID 1, as its user, with its entrypoint and environment; and
 * its services answer over loopback.
 */
class ContainerImageIT {

    private static final Duration T = Duration.ofSeconds(120);
    private static final Path IMAGE = Tools.property("netsvc.image");
    private static final String VERSION = System.getProperty("netsvc.version");

    @BeforeAll
    static void reportSize() throws IOException {
        System.out.printf("image %s: %.1f MB%n", IMAGE.getFileName(), Files.size(IMAGE) / 1e6);
    }

    @Test
    void skopeoReadsItAsAnOciArchiveAndAsADockerArchive() {
        String skopeo = Tools.require("skopeo");
        for (String transport : List.of("oci-archive:", "docker-archive:")) {
            Tools.Result config = Tools.run(T, skopeo, "inspect", "--config", transport + IMAGE);
            assertEquals(0, config.exitCode(), transport + " " + config);
            String c = config.stdout().replaceAll("\\s+", "");
            assertTrue(c.contains("\"User\":\"10001:10001\""), "a user of its own, not root: " + c);
            assertTrue(c.contains("\"Entrypoint\":[\"/usr/bin/tini\",\"--\",\"/usr/bin/netsvc\"]"), "tini as PID 1: " + c);
            assertTrue(c.contains("\"Cmd\":[\"run\"]"), c);
            for (String volume : List.of("/etc/netsvc/conf.d", "/var/lib/netsvc/plugins", "/run/netsvc", "/var/cache/netsvc", "/tmp")) {
                assertTrue(c.contains("\"" + volume + "\":{}"), "volume " + volume + ": " + c);
            }
            assertFalse(c.contains("\"/etc/netsvc\":{}"), "the main configuration file stays in the image");
            for (String port : List.of("7007/tcp", "7008/udp", "1717/udp", "1313/tcp", "3737/udp", "8080/tcp", "9111/tcp")) {
                assertTrue(c.contains("\"" + port + "\":{}"), "exposes " + port + ": " + c);
            }
            assertEquals(4, Pattern.compile("\"sha256:[0-9a-f]{64}\"").matcher(c.substring(c.indexOf("diff_ids"))).results().count(),
                    "four layers: " + c);
        }
        // docker load names it netsvc:VERSION: the archive holds that tag
        Tools.Result tagged = Tools.run(T, skopeo, "inspect", "docker-archive:" + IMAGE + ":netsvc:" + VERSION);
        assertEquals(0, tagged.exitCode(), tagged::toString);
    }

    /** Dependencies first (libc and tools, the runtime, the third-party jars), netsvc's own files last. */
    @Test
    void layersPutDependenciesBeforeTheApplication(@TempDir Path tmp) throws IOException {
        Tools.run(T, "tar", "-xf", IMAGE.toString(), "-C", tmp.toString()).ok();
        String manifestDigest = first(Files.readString(tmp.resolve("index.json")), "\"digest\":\"sha256:([0-9a-f]{64})\"");
        String manifest = Files.readString(tmp.resolve("blobs/sha256/" + manifestDigest));
        String layers = manifest.substring(manifest.indexOf("\"layers\""));
        List<String> digests = Pattern.compile("sha256:([0-9a-f]{64})").matcher(layers).results().map(m -> m.group(1)).toList();
        assertEquals(4, digests.size(), manifest);
        List<List<String>> contents = new ArrayList<>();
        for (String digest : digests) {
            contents.add(Tools.run(T, "tar", "-tzf", tmp.resolve("blobs/sha256/" + digest).toString()).ok().stdout().lines().toList());
        }
        assertTrue(contents.get(0).contains("usr/bin/tini") && contents.get(0).contains("lib/x86_64-linux-gnu/libc.so.6")
                && contents.get(0).contains("bin/busybox"), "base: " + contents.get(0));
        assertTrue(contents.get(1).contains("usr/lib/netsvc/runtime/bin/java"), "runtime");
        assertTrue(contents.get(2).stream().anyMatch(n -> n.matches("usr/share/netsvc/lib/pf4j-.*\\.jar")), "libraries");
        assertTrue(contents.get(2).stream().noneMatch(n -> n.contains("netsvc-")), "no netsvc jar among the libraries");
        assertTrue(contents.get(3).stream().anyMatch(n -> n.matches("usr/share/netsvc/lib/netsvc-launcher-.*\\.jar")), "netsvc");
        assertTrue(contents.get(3).contains("etc/netsvc/netsvc.properties"), "the configuration in the image");
        assertTrue(contents.get(3).contains("var/lib/netsvc/plugins/http-raw-" + VERSION + ".jar"), "the plugins folder starts seeded");
        long runtime = Files.size(tmp.resolve("blobs/sha256/" + digests.get(1)));
        long app = Files.size(tmp.resolve("blobs/sha256/" + digests.get(3)));
        assertTrue(app < 2_000_000, "the layer a new build changes is small: " + app + " bytes (runtime " + runtime + ")");
        assertTrue(Files.size(IMAGE) < 40_000_000, "small: " + Files.size(IMAGE) + " bytes");
    }

    @Test
    void itsServicesAnswerFromAReadOnlyRootAsItsOwnUser(@TempDir Path tmp) throws Exception {
        Tools.requireRoot();
        String umoci = Tools.require("umoci");
        Tools.require("unshare");
        Tools.require("chroot");
        Tools.require("python3");
        Path layout = Files.createDirectories(tmp.resolve("layout"));
        Tools.run(T, "tar", "-xf", IMAGE.toString(), "-C", layout.toString()).ok();
        Path bundle = tmp.resolve("bundle");
        // umoci checks every blob against its digest as it applies the layers
        Tools.run(T, umoci, "unpack", "--image", layout + ":" + VERSION, bundle.toString()).ok();
        Path rootfs = bundle.resolve("rootfs");
        System.out.printf("image root file system: %s%n", Tools.run(T, "du", "-sh", rootfs.toString()).ok().stdout().split("\\s")[0]);

        // what a runtime runs, from the runtime configuration umoci made of the image's
        List<String> spec = Tools.run(T, "python3", "-c", """
                import json, sys
                p = json.load(open(sys.argv[1]))["process"]
                print("%d:%d" % (p["user"]["uid"], p["user"]["gid"]))
                print(p["cwd"])
                print("\\x1f".join(p["args"]))
                print("\\x1f".join(p["env"]))
                """, bundle.resolve("config.json").toString()).ok().stdout().lines().toList();
        String user = spec.get(0);
        assertEquals("10001:10001", user);
        List<String> args = new ArrayList<>(List.of(spec.get(2).split("\u001f")));
        assertEquals(List.of("/usr/bin/tini", "--", "/usr/bin/netsvc", "run"), args);
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : spec.get(3).split("\u001f")) {
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        // every port its own: tests never take a fixed port (the image binds 0.0.0.0)
        args.addAll(List.of("--set", "admin.port=0"));
        for (String id : List.of("echo-async", "echo-blocking", "echo-selector", "http", "daytime", "time", "qotd")) {
            args.addAll(List.of("--set", id + ".port=0"));
        }

        // the volumes: the plugins folder as the image seeds it, conf.d empty, the writable places on tmpfs
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Tools.run(T, "cp", "-a", rootfs.resolve("var/lib/netsvc/plugins") + "/.", plugins.toString()).ok();
        Path confd = Files.createDirectories(tmp.resolve("conf.d"));
        Path script = tmp.resolve("container.sh");
        Files.writeString(script, """
                #!/bin/sh
                # as a container runtime: ROOT read-only, /proc, a /dev, the volumes; then chroot as USER
                set -eu
                root=$1 user=$2 plugins=$3 confd=$4; shift 4
                mount --bind "$root" "$root"
                mount -o remount,bind,ro "$root"
                mount -t proc proc "$root/proc"
                mount -t tmpfs -o mode=0755 tmpfs "$root/dev"
                for dev in null:1:3 zero:1:5 random:1:8 urandom:1:9; do
                    mknod -m 0666 "$root/dev/${dev%%:*}" c $(echo "${dev#*:}" | tr : ' ')
                done
                mount --bind "$plugins" "$root/var/lib/netsvc/plugins"
                mount -o remount,bind,ro "$root/var/lib/netsvc/plugins"
                mount --bind "$confd" "$root/etc/netsvc/conf.d"
                for place in /run/netsvc /var/cache/netsvc; do
                    mount -t tmpfs -o "mode=0750,uid=${user%%:*},gid=${user#*:}" tmpfs "$root$place"
                done
                mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
                exec /usr/sbin/chroot --userspec="$user" "$root" "$@"
                """);
        List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork", "--propagation", "private",
                "--kill-child=SIGKILL", "/bin/sh", script.toString(), rootfs.toString(), user, plugins.toString(), confd.toString()));
        command.addAll(args);
        try (RunningHost host = RunningHost.start(env, command)) {
            assertEquals(7, host.awaitReady(T));
            assertNotRootAndUnderTini(host);

            int http = host.port("http", "tcp");
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals(Files.readString(Tools.property("netsvc.dist").resolve("www/index.html")), page.body(), "the image's www/");
            host.awaitLine(Pattern.compile("http\\.access - 127\\.0\\.0\\.1 .*\"GET / HTTP/1\\.1\" 200"), T); // the access log on stderr

            try (Socket echo = new Socket()) {
                echo.connect(new InetSocketAddress("127.0.0.1", host.port("echo-blocking", "tcp")), 5000);
                echo.setSoTimeout(5000);
                echo.getOutputStream().write("hello, container\n".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("hello, container\n".getBytes(StandardCharsets.US_ASCII), echo.getInputStream().readNBytes(17));
            }
            String quote = new String(udp(host.port("qotd", "udp"), new byte[1]), StandardCharsets.UTF_8);
            assertTrue(quote.length() > 10, "a quote from /etc/netsvc/quotes.txt: " + quote);
            assertEquals(4, udp(host.port("time", "udp"), new byte[0]).length, "RFC 868 time over UDP: 4 bytes");
            try (Socket daytime = new Socket("127.0.0.1", host.port("daytime", "tcp"))) {
                daytime.setSoTimeout(5000);
                String line = new String(daytime.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(line.matches("(?s).*\\d{4}.*\\d{2}:\\d{2}:\\d{2}.*"), "a daytime line: " + line);
            }
            Matcher admin = Pattern.compile("admin listening on http://.*:(\\d+)/$").matcher(
                    host.awaitLine(Pattern.compile("admin listening on "), T));
            assertTrue(admin.find());
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.group(1) + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "the admin endpoint on every interface, for a probe: " + health.body());

            assertEquals(0, host.terminateDescendant("/usr/bin/tini", T), "SIGTERM to PID 1: a clean stop\n" + host.output());
            assertTrue(host.stderrText().contains("netsvc stopped"), host::output);
            assertFalse(host.stderrText().contains("Read-only file system"), "nothing wanted to write the root:\n" + host.output());
            assertTrue(host.stdoutText().contains("AOTConfiguration recorded: /var/cache/netsvc/"),
                    "the start cache recorded into its volume:\n" + host.output());
        }
    }

    /** tini is PID 1 of the container (its child the JVM), and neither runs as root. */
    private static void assertNotRootAndUnderTini(RunningHost host) {
        ProcessHandle tini = host.handle().descendants().filter(h -> h.info().command().orElse("").endsWith("/usr/bin/tini"))
                .findFirst().orElseThrow(() -> new AssertionError("no tini\n" + host.output()));
        ProcessHandle java = tini.children().findFirst().orElseThrow(() -> new AssertionError("tini has no child"));
        assertTrue(java.info().command().orElse("").endsWith("/usr/lib/netsvc/runtime/bin/java"), "tini's child: " + java.info());
        for (ProcessHandle h : List.of(tini, java)) {
            String owner = h.info().user().orElse("?");
            assertFalse(owner.equals("root") || owner.equals("0"), h.info().command() + " runs as " + owner);
        }
    }

    private static byte[] udp(int port, byte[] request) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5000);
            socket.send(new DatagramPacket(request, request.length, new InetSocketAddress("127.0.0.1", port)));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            socket.receive(reply);
            return java.util.Arrays.copyOf(reply.getData(), reply.getLength());
        }
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return m.group(1);
    }

}
