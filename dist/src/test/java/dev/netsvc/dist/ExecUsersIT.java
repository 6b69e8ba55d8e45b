package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs run as another user ({@code <id>.user}), refused clearly by a host that cannot switch, and
 * {@code import-xinetd} on the service files Debian's xinetd ships.
 */
class ExecUsersIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void aProgramRunsAsTheConfiguredUser() throws Exception {
        Tools.requireThat(root(), "switching a program to another user needs root");
        try (DistProcess netsvc = DistProcess.run("-e", "whoami", "--set", "whoami.instance-of=exec", "--set",
                "whoami.command=/bin/sh", "--set", "whoami.args=-c 'id -u; id -gn'", "--set", "whoami.port=0",
                "--set", "whoami.user=nobody");
             Socket s = new Socket(InetAddress.getLoopbackAddress(), netsvc.port("whoami", "tcp"))) {
            s.setSoTimeout((int) WAIT.toMillis());
            String id = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals("65534\nnogroup\n", id, "the program's id -u and group: nobody's");
        }
    }

    /** As an unprivileged user (runuser), user= is a configuration error naming the key and what to grant. */
    @Test
    void aHostThatCannotSwitchUsersRefusesTheKeyClearly() throws Exception {
        Tools.requireThat(root(), "becoming another user with runuser needs root");
        String runuser = Tools.require("runuser");
        Path home = DistProcess.home();
        DistProcess.Result r = Tools.run(WAIT, new byte[0], Map.of("NETSVC_START_CACHE", "off", "HOME", tmp.toString()),
                runuser, "-u", "nobody", "--", home.resolve("bin/netsvc").toString(), "check", "--set", "admin.socket="
                        + tmp.resolve("ctl.sock"), "--set", "finger.instance-of=exec", "--set", "finger.command=/usr/bin/id",
                "--set", "finger.port=0", "--set", "finger.user=daemon", "-e", "finger");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("finger.user=daemon: netsvc runs as user 'nobody' without CAP_SETUID and CAP_SETGID,"
                + " so it cannot start a program as another user or group"), r::toString);
        assertTrue(r.stderr().contains("(in --set)"), r::toString);
    }

    @Test
    void debiansShippedXinetdServicesImportAndCheck() throws Exception {
        Tools.require("xinetd");
        Path shipped = Path.of("/etc/xinetd.d");
        Tools.requireThat(Files.isDirectory(shipped), "xinetd's package installs /etc/xinetd.d");
        DistProcess.Result imported = DistProcess.exec(WAIT, "import-xinetd", shipped.toString());
        assertEquals(0, imported.exitCode(), imported::toString);
        assertTrue(imported.stdout().contains("echo-selector.port=7") && imported.stdout().contains("daytime.port=13")
                && imported.stdout().contains("time.port=37"), imported::toString);
        assertTrue(imported.stdout().contains("# not carried over: type = INTERNAL: xinetd's own 'chargen' service"),
                imported::toString);
        assertTrue(imported.stderr().contains("not carried over; each is named in a '# not carried over:' line"), imported::toString);
        Path conf = Files.writeString(tmp.resolve("xinetd.properties"), imported.stdout());
        // the other services off: check binds what is enabled, and their default ports may be another's here
        DistProcess.Result check = DistProcess.exec(WAIT, "check", "-c", conf.toString(), "--set",
                "admin.socket=" + tmp.resolve("ctl.sock"), "--disable", "echo-blocking,echo-async,http,qotd");
        assertEquals(0, check.exitCode(), check::toString);
        assertTrue(check.stdout().contains("daytime.enabled") && check.stdout().contains("false"), check::toString);
    }
}
