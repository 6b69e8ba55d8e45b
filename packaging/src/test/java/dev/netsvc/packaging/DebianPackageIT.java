package dev.netsvc.packaging;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Debian package as dpkg, lintian and an operator see it: its metadata and contents; lintian with
 * nothing to say beyond information; then, as root on this machine (as CI runs), the whole life of an
 * installation: install (user, files, folders, the shipped plugins copied in), {@code netsvc check} as
 * the netsvc user, the units through {@code systemd-analyze verify}, netsvc run with the package's
 * places, an upgrade that keeps an operator's removal and jar, and a purge that leaves nothing behind.
 */
class DebianPackageIT {

    private static final Duration T = Duration.ofSeconds(120);
    private static final Path DEB = Tools.property("netsvc.deb");
    private static final String VERSION = System.getProperty("netsvc.version");
    private static final List<String> SOCKETS = List.of("netsvc-daytime.socket", "netsvc-echo-selector.socket",
            "netsvc-http.socket", "netsvc-qotd.socket", "netsvc-time.socket");
    private static final List<String> CONFFILES = List.of("/etc/logrotate.d/netsvc", "/etc/netsvc/conf.d/README",
            "/etc/netsvc/netsvc.properties", "/etc/netsvc/quotes.txt");

    @Test
    void metadataNamesWhatThePackageNeeds() {
        String info = Tools.run(T, Tools.require("dpkg-deb"), "--info", DEB.toString()).ok().stdout();
        assertTrue(info.contains("\n Package: netsvc\n"), info);
        assertTrue(info.contains("\n Version: " + VERSION + "\n"), info);
        assertTrue(info.contains("\n Architecture: amd64\n"), info);
        String depends = info.lines().filter(l -> l.startsWith(" Depends: ")).findFirst().orElse("");
        for (String dependency : List.of("adduser", "libc6", "init-system-helpers")) {
            assertTrue(depends.contains(dependency), "depends on " + dependency + ": " + depends);
        }
        assertFalse(info.contains("openjdk") || info.contains("default-jre"), "brings its own Java runtime");
        for (String script : List.of("postinst", "prerm", "postrm", "conffiles", "md5sums")) {
            assertTrue(info.lines().anyMatch(l -> l.strip().matches("\\d+ bytes,\\s+\\d+ lines\\s+\\*?\\s*" + script + ".*")),
                    "control member " + script + ":\n" + info);
        }
        String conffiles = Tools.run(T, "sh", "-c", "dpkg-deb --ctrl-tarfile \"$0\" | tar -xOf - ./conffiles", DEB.toString())
                .ok().stdout();
        assertEquals(CONFFILES, conffiles.lines().toList(), "the conffiles");
    }

    @Test
    void contentsAreWhereThePathSchemeSays() {
        String contents = Tools.run(T, Tools.require("dpkg-deb"), "--contents", DEB.toString()).ok().stdout();
        Set<String> paths = new TreeSet<>();
        for (String line : contents.lines().toList()) {
            String[] f = line.split("\\s+", 6);
            paths.add(f[5].replaceFirst("^\\./", "/").replaceFirst("/$", ""));
        }
        List<String> expected = new ArrayList<>(List.of("/usr/bin/netsvc", "/usr/share/netsvc/bin/netsvc",
                "/usr/lib/netsvc/runtime/bin/java", "/usr/lib/netsvc/runtime/lib/server/libjvm.so",
                "/usr/lib/netsvc/runtime/lib/server/classes.jsa", "/usr/lib/netsvc/seed-plugins",
                "/usr/share/netsvc/www/index.html", "/var/lib/netsvc/plugins",
                "/lib/systemd/system/netsvc.service", "/usr/share/man/man1/netsvc.1.gz",
                "/usr/share/doc/netsvc/copyright", "/usr/share/doc/netsvc/changelog.gz", "/usr/share/doc/netsvc/README.Debian",
                "/usr/share/doc/netsvc/operators.md", "/usr/share/doc/netsvc/operators/http.md",
                "/usr/share/doc/netsvc/plugin-authors.md", "/usr/share/doc/netsvc/benchmarks.md",
                "/usr/share/lintian/overrides/netsvc"));
        expected.addAll(CONFFILES);
        SOCKETS.forEach(s -> expected.add("/lib/systemd/system/" + s));
        for (String plugin : List.of("echo-async", "echo-blocking", "echo-selector", "exec", "http-raw", "tcp-time", "udp-qotd")) {
            expected.add("/usr/share/netsvc/shipped-plugins/" + plugin + "-" + VERSION + ".jar");
        }
        List<String> missing = expected.stream().filter(p -> !paths.contains(p)).toList();
        assertEquals(List.of(), missing, "missing from the package");
        assertTrue(paths.stream().anyMatch(p -> p.matches("/usr/share/netsvc/lib/netsvc-launcher-.*\\.jar")), "the launcher's jar");
        // the installation's own places lead to the path scheme's
        for (String link : List.of("conf -> /etc/netsvc", "plugins -> /var/lib/netsvc/plugins", "run -> /run/netsvc",
                "logs -> /var/log/netsvc", "var/cache -> /var/cache/netsvc", "docs -> ../doc/netsvc")) {
            assertTrue(contents.contains("./usr/share/netsvc/" + link + "\n"), "link " + link);
        }
        assertFalse(paths.stream().anyMatch(p -> p.startsWith("/var/lib/netsvc/plugins/")),
                "the plugins folder's contents come from postinst, not dpkg (so a removed plugin stays removed)");
        assertFalse(paths.stream().anyMatch(p -> p.startsWith("/opt") || p.startsWith("/usr/local")), "nothing in /opt");
        assertTrue(contents.lines().filter(l -> !l.startsWith("d")).allMatch(l -> l.split("\\s+")[1].equals("root/root")),
                "every file owned by root");
    }

    @Test
    void lintianHasNothingToSayButInformation() {
        Tools.Result r = Tools.run(Duration.ofMinutes(3), Tools.require("lintian"), "--display-level", ">=warning", DEB.toString());
        List<String> findings = r.stdout().lines().filter(l -> l.matches("[EWX]: .*")).toList();
        assertEquals(List.of(), findings, "lintian errors and warnings (overrides, with their reasons, are in "
                + "packaging/src/deb/lintian-overrides)");
        assertEquals(0, r.exitCode(), r::toString);
    }

    // ---- installed on this machine ----------------------------------------------------------------

    @Test
    void installCheckRunUpgradeAndPurge(@TempDir Path tmp) throws Exception {
        Tools.requireRoot();
        String dpkg = Tools.require("dpkg");
        Tools.require("runuser");
        String analyze = Tools.require("systemd-analyze");
        purgeIfInstalled();
        Set<String> before = snapshot();

        install(DEB);
        String passwd = Tools.run(T, "getent", "passwd", "netsvc").ok().stdout().strip();
        String[] user = passwd.split(":");
        assertTrue(Integer.parseInt(user[2]) < 1000, "a system user: " + passwd);
        assertTrue(user[6].endsWith("nologin"), "no login shell: " + passwd);
        assertOwned("/var/log/netsvc", "netsvc", "rwxr-x---");
        assertOwned("/var/cache/netsvc", "netsvc", "rwxr-x---");
        assertOwned("/var/lib/netsvc/plugins", "root", "rwxr-xr-x");
        assertEquals(shippedPlugins(), jars(Path.of("/var/lib/netsvc/plugins")), "the shipped plugins copied in");
        assertTrue(Files.isSymbolicLink(Path.of("/etc/systemd/system/multi-user.target.wants/netsvc.service")),
                "netsvc.service enabled");
        for (String socket : SOCKETS) {
            assertFalse(Files.exists(Path.of("/etc/systemd/system/sockets.target.wants", socket)), socket + " not enabled");
        }

        // logrotate takes the access log's configuration (in debug mode: it reads, names, rotates nothing)
        Tools.Result rotate = Tools.run(T, Tools.require("logrotate"), "--debug", "--state", tmp.resolve("logrotate.state").toString(),
                "/etc/logrotate.d/netsvc");
        assertEquals(0, rotate.exitCode(), rotate::toString);
        assertFalse(rotate.stderr().contains("error:"), rotate::toString);
        assertTrue((rotate.stdout() + rotate.stderr()).contains("rotating pattern: /var/log/netsvc/*.log"), rotate::toString);

        // netsvc check as the netsvc user, with the package's configuration
        Tools.Result check = Tools.run(T, "runuser", "-u", "netsvc", "--", "netsvc", "check");
        assertEquals(0, check.exitCode(), check::toString);
        assertTrue(check.stdout().contains("configuration ok: 7 of 7 services enabled, 7 plugins"), check::toString);
        for (String[] kv : new String[][] {{"admin.socket", "/run/netsvc/netsvc.sock"}, {"qotd.quotes", "/etc/netsvc/quotes.txt"},
                {"http.root", "/usr/share/netsvc/www"}, {"http.access-log-file", "/var/log/netsvc/http-access.log"}}) {
            assertTrue(check.stdout().lines().anyMatch(l -> l.matches(kv[0].replace(".", "\\.") + "\\s+= " + kv[1] + "\\s+#.*")),
                    kv[0] + " = " + kv[1] + "\n" + check);
        }

        // the units verify with the man page they name installed
        List<String> units = new ArrayList<>(List.of(analyze, "verify", "/lib/systemd/system/netsvc.service"));
        SOCKETS.forEach(s -> units.add("/lib/systemd/system/" + s));
        Tools.Result verify = Tools.run(T, units.toArray(String[]::new));
        assertEquals(0, verify.exitCode(), verify::toString);
        assertEquals(List.of(), (verify.stdout() + verify.stderr()).lines().filter(l -> l.contains("netsvc")).toList(),
                "systemd-analyze has nothing to say about the units");

        runAsTheServiceWould();

        // the operator removes a shipped plugin, adds one of their own, adds a setting; an upgrade changes a plugin
        Files.delete(Path.of("/var/lib/netsvc/plugins/echo-async-" + VERSION + ".jar"));
        Path theirs = Files.copy(Tools.property("netsvc.dist").resolve("examples/netsvc-example-classics-" + VERSION + ".jar"),
                Path.of("/var/lib/netsvc/plugins/netsvc-example-classics-" + VERSION + ".jar"));
        Path local = Files.writeString(Path.of("/etc/netsvc/conf.d/50-local.properties"), "http.port=8181\n");
        install(upgrade(tmp));
        Set<String> after = jars(Path.of("/var/lib/netsvc/plugins"));
        assertFalse(after.contains("echo-async-" + VERSION + ".jar"), "a removed plugin stays removed: " + after);
        assertTrue(after.contains("tcp-time-" + VERSION + ".1.jar") && !after.contains("tcp-time-" + VERSION + ".jar"),
                "an unchanged copy follows the upgrade: " + after);
        try (ZipFile jar = new ZipFile("/var/lib/netsvc/plugins/tcp-time-" + VERSION + ".1.jar")) {
            assertTrue(jar.getEntry("UPGRADED.txt") != null, "the new build's bytes");
        }
        assertTrue(after.contains(theirs.getFileName().toString()), "the operator's jar is untouched: " + after);
        assertTrue(Files.exists(local), "the operator's setting is untouched");

        // purge: what install made goes; what the operator made stays, and nothing else
        Tools.run(T, dpkg, "--purge", "netsvc").ok();
        Set<String> left = new TreeSet<>(snapshot());
        left.removeAll(before);
        assertEquals(new TreeSet<>(List.of("/etc/netsvc", "/etc/netsvc/conf.d", local.toString(), "/var/lib/netsvc",
                "/var/lib/netsvc/plugins", theirs.toString())), left, "after purge, only the operator's own files");
        assertFalse(Tools.run(T, "getent", "passwd", "netsvc").exitCode() == 0, "the user the package made is gone");
        assertFalse(Tools.run(T, "getent", "group", "netsvc").exitCode() == 0, "and its group");
        for (String path : List.of(theirs.toString(), "/var/lib/netsvc/plugins", "/var/lib/netsvc", local.toString(),
                "/etc/netsvc/conf.d", "/etc/netsvc")) {
            Files.delete(Path.of(path));
        }
        assertEquals(before, snapshot(), "nothing else left behind");
    }

    /**
     * The launcher reads the places bin/netsvc passes (-Dnetsvc.conf.dir with its conf.d/,
     * -Dnetsvc.plugins.dir, -Dnetsvc.run.dir), and names each file by its own path.
     */
    @Test
    void confDIsReadAndTheSourcesAreTheFhsPlaces() {
        Tools.requireRoot();
        purgeIfInstalled();
        install(DEB);
        try {
            Tools.run(T, "sh", "-c", "echo http.port=8181 > /etc/netsvc/conf.d/50-local.properties").ok();
            Tools.Result check = Tools.run(T, "runuser", "-u", "netsvc", "--", "netsvc", "check");
            assertEquals(0, check.exitCode(), check::toString);
            assertTrue(check.stdout().lines().anyMatch(l -> l.matches("http\\.port\\s+= 8181\\s+# /etc/netsvc/conf\\.d/50-local\\.properties")),
                    check::toString);
            assertTrue(check.stdout().contains("# /etc/netsvc/netsvc.properties"), "named by its own path: " + check);
        } finally {
            Tools.run(T, "rm", "-f", "/etc/netsvc/conf.d/50-local.properties");
            purgeIfInstalled();
        }
    }

    /**
     * netsvc run as netsvc.service runs it (its user; /run/netsvc made, as RuntimeDirectory= does): the
     * control socket in /run/netsvc, the access log in /var/log/netsvc, the start cache in /var/cache/netsvc.
     */
    private static void runAsTheServiceWould() throws Exception {
        Tools.run(T, "install", "-d", "-o", "netsvc", "-g", "netsvc", "-m", "0750", "/run/netsvc").ok();
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "netsvc", "--", "/usr/bin/netsvc", "run",
                "--set", "admin.port=0"));
        for (String id : List.of("echo-async", "echo-blocking", "echo-selector", "http", "daytime", "time", "qotd")) {
            command.addAll(List.of("--set", id + ".port=0"));
        }
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin:/usr/sbin:/sbin", "LANG", "C.UTF-8");
        try (RunningHost host = RunningHost.start(env, command)) {
            assertEquals(7, host.awaitReady(T));
            assertTrue(Files.exists(Path.of("/run/netsvc/netsvc.sock")), "the control socket in /run/netsvc");
            Tools.Result status = Tools.run(T, "netsvc", "status");
            assertEquals(0, status.exitCode(), status::toString);
            assertTrue(status.stdout().lines().anyMatch(l -> l.startsWith("http ") && l.contains("running")), status::toString);

            int port = host.port("http", "tcp");
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            Path log = Path.of("/var/log/netsvc/http-access.log");
            await("the access log in /var/log/netsvc", () -> Files.exists(log) && Files.readString(log).contains("\"GET / HTTP/1.1\" 200"));
            // SIGTERM to netsvc itself, as systemd sends it (runuser would answer one with a status of its own)
            assertEquals(0, host.terminateDescendant("/usr/lib/netsvc/runtime/bin/java", T), host::output);
            assertTrue(host.stdoutText().lines().filter(l -> !l.isBlank()).count() <= 1,
                    "at most the one line of the start cache's recording on the console:\n" + host.stdoutText());
        }
        try (Stream<Path> cache = Files.list(Path.of("/var/cache/netsvc"))) {
            assertTrue(cache.anyMatch(p -> p.getFileName().toString().startsWith("start-")), "the start cache in /var/cache/netsvc");
        }
        Tools.run(T, "rm", "-rf", "/tmp/hsperfdata_netsvc"); // the JVM's, outside the service's PrivateTmp= here
    }

    /** The package again as version VERSION.1, its tcp-time plugin a new build. */
    private static Path upgrade(Path tmp) throws IOException {
        Path tree = tmp.resolve("upgrade");
        Tools.run(T, "dpkg-deb", "-R", DEB.toString(), tree.toString()).ok();
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replace("Version: " + VERSION + "\n", "Version: " + VERSION + ".1\n"));
        Path shipped = tree.resolve("usr/share/netsvc/shipped-plugins");
        Path old = shipped.resolve("tcp-time-" + VERSION + ".jar");
        try (ZipFile in = new ZipFile(old.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(shipped.resolve("tcp-time-" + VERSION + ".1.jar")))) {
            for (var e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.getInputStream(e).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("UPGRADED.txt"));
            out.write("a new build".getBytes());
            out.closeEntry();
        }
        Files.delete(old);
        Path deb = tmp.resolve("netsvc_" + VERSION + ".1_amd64.deb");
        Tools.run(T, "dpkg-deb", "--root-owner-group", "-Znone", "--build", tree.toString(), deb.toString()).ok();
        return deb;
    }

    private static void install(Path deb) {
        Tools.Result r = Tools.run(T, Map.of("DEBIAN_FRONTEND", "noninteractive"), "dpkg", "--force-confold", "-i", deb.toString());
        assertEquals(0, r.exitCode(), r::toString);
    }

    @AfterAll
    static void purgeIfInstalled() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        Tools.Result status = Tools.run(T, "dpkg-query", "-W", "-f=${db:Status-Abbrev}", "netsvc");
        if (status.exitCode() == 0 && !status.stdout().startsWith("un") && !status.stdout().isBlank()) {
            Tools.run(T, "dpkg", "--purge", "netsvc");
        }
    }

    private static Set<String> shippedPlugins() throws IOException {
        return jars(Tools.property("netsvc.dist").resolve("plugins"));
    }

    private static Set<String> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new TreeSet<>(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList());
        }
    }

    private static void assertOwned(String path, String owner, String mode) throws IOException {
        PosixFileAttributes a = Files.readAttributes(Path.of(path), PosixFileAttributes.class);
        assertEquals(owner, a.owner().getName(), path + " owner");
        assertEquals(mode, PosixFilePermissions.toString(a.permissions()), path + " mode");
    }

    /** Every path under the places a package touches, less the package manager's own bookkeeping. */
    private static Set<String> snapshot() throws IOException {
        Set<String> all = new TreeSet<>();
        for (String top : List.of("/etc", "/usr", "/lib", "/var", "/run", "/opt", "/srv")) {
            Path dir = Path.of(top);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (bookkeeping(d.toString())) {
                        return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                    }
                    all.add(d.toString());
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (!bookkeeping(f.toString())) {
                        all.add(f.toString());
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE; // gone while walking (a process's file in /run)
                }
            });
        }
        return all;
    }

    private static boolean bookkeeping(String path) {
        return path.startsWith("/var/lib/dpkg") || path.startsWith("/var/cache/man") || path.startsWith("/var/cache/debconf")
                || path.startsWith("/var/log/") && !path.startsWith("/var/log/netsvc") || path.startsWith("/var/tmp")
                || path.startsWith("/var/cache/apt") || path.startsWith("/var/lib/apt") || path.startsWith("/var/backups")
                || path.matches("/etc/(passwd|group|shadow|gshadow)-") || path.equals("/etc/.pwd.lock")
                || path.startsWith("/run/") && !path.startsWith("/run/netsvc") || path.startsWith("/proc")
                || path.startsWith("/var/lib/systemd/deb-systemd-helper-") && !path.contains("netsvc")
                || path.startsWith("/etc/ld.so.cache")
                || path.matches("/etc/systemd/system/[^/]+\\.wants"); // the folder deb-systemd-helper may make, not its links
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + T.toSeconds() + " s");
            }
            Thread.sleep(20); // polling interval of a deadline-bounded wait
        }
    }
}
