package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc check}, like {@code nginx -t}, and the systemd unit that ships with the distribution. */
class CheckIT {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void checkPrintsEveryKeyWithItsValueAndSource(@TempDir Path tmp) throws IOException {
        Path conf = tmp.resolve("site.properties");
        Files.writeString(conf, "qotd.mode=random\nhttp.port=8181\n");
        // every other port 0: check binds each address for a moment, and a test never assumes a port is free
        DistProcess.Result r = DistProcess.exec(T, "check", "--config", conf.toString(), "--set", "http.port=0",
                "--set", "echo-blocking.port=0", "--set", "echo-selector.port=0", "--set", "echo-async.port=0",
                "--set", "qotd.port=0", "--set", "daytime.port=0", "--bind", "::1", "--disable", "time");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.stdout().lines().toList();
        assertLine(lines, "qotd.mode += random +# --config " + conf);
        assertLine(lines, "http.port += 0 +# --set");
        assertLine(lines, "time.port += 3737 +# default");
        assertLine(lines, "echo-blocking.bind += ::1 +# --bind \\(netsvc.bind\\)");
        assertLine(lines, "time.enabled += false +# --disable");
        assertLine(lines, "admin.bind += 127.0.0.1 +# default");
        assertLine(lines, "echo-async.restart += on-failure +# default");
        assertTrue(r.stdout().contains("configuration ok: 6 of 7 services enabled"), r::toString);
    }

    @Test
    void anAddressAnotherProgramHoldsIsARuntimeFailureButNotOneARunningHostHolds() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            DistProcess.Result r = DistProcess.exec(T, "check", "--enable", "daytime", "--set", "daytime.port=" + taken.getLocalPort());
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.stderr().contains("netsvc check: daytime: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"),
                    r::toString);
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = probe.getLocalPort();
            probe.close();
            try (DistProcess host = DistProcess.run("--enable", "daytime", "--set", "daytime.port=" + port)) {
                DistProcess.Result r = DistProcess.exec(T, "check", "--enable", "daytime", "--set", "daytime.port=" + port,
                        "--set", "admin.socket=" + host.controlSocket());
                assertEquals(0, r.exitCode(), () -> "the running host's own addresses are no conflict\n" + r);
                assertEquals(0, host.terminate(T), host::output);
            }
        }
    }

    private static void assertLine(List<String> lines, String regex) {
        assertTrue(lines.stream().anyMatch(l -> l.matches(regex)), () -> "no line /" + regex + "/ in\n" + String.join("\n", lines));
    }

    @Test
    void twoServicesOnOneAddressPortAndTransportAreFoundBeforeAnythingBinds() {
        for (String command : new String[] {"check", "run"}) {
            DistProcess.Result r = DistProcess.exec(T, command, "--set", "echo-async.port=7100", "--set", "echo-blocking.port=7100",
                    "--set", "admin.socket=" + DistProcess.home().resolve("run/check-it.sock"));
            assertEquals(2, r.exitCode(), r::toString);
            assertTrue(r.stderr().contains("echo-async and echo-blocking are both configured on tcp 127.0.0.1:7100"), r::toString);
            assertTrue(!r.stderr().contains("listening on"), () -> "nothing binds\n" + r);
        }
        // the wildcard overlaps loopback
        DistProcess.Result udp = DistProcess.exec(T, "check", "--set", "qotd.port=7101", "--set", "echo-blocking.port=7101",
                "--set", "qotd.bind=0.0.0.0");
        assertEquals(2, udp.exitCode(), udp::toString);
        assertTrue(udp.stderr().contains("127.0.0.1:7101 overlaps it") || udp.stderr().contains("0.0.0.0:7101"), udp::toString);
        DistProcess.Result bad = DistProcess.exec(T, "check", "--set", "echo-blocking.restart=sometimes");
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().contains("echo-blocking.restart") && bad.stderr().contains("on-failure, always, never"), bad::toString);
    }

    /**
     * The systemd units that ship with the distribution: netsvc.service (Type=notify, a synchronous reload)
     * and one socket unit per classic service on its standard port, named for the service id.
     */
    @Test
    void theSystemdUnitsVerify(@TempDir Path tmp) throws Exception {
        Path dir = DistProcess.home().resolve("systemd");
        String service = Files.readString(dir.resolve("netsvc.service"));
        for (String directive : new String[] {"Type=notify", "NotifyAccess=main", "ExecReload=/opt/netsvc/bin/netsvc reload",
                "WatchdogSec=", "RuntimeDirectory=netsvc", "LimitNOFILE=", "User=netsvc", "NoNewPrivileges=yes",
                "ProtectSystem=strict"}) {
            assertTrue(service.contains("\n" + directive), () -> "the unit has " + directive);
        }
        java.util.Map<String, List<String>> sockets = java.util.Map.of(
                "echo-selector", List.of("ListenStream=7"),
                "daytime", List.of("ListenStream=13", "ListenDatagram=13"),
                "qotd", List.of("ListenStream=17", "ListenDatagram=17"),
                "time", List.of("ListenStream=37", "ListenDatagram=37"),
                "http", List.of("ListenStream=80"));
        List<String> units = new java.util.ArrayList<>(List.of("netsvc.service"));
        for (var e : sockets.entrySet()) {
            String name = "netsvc-" + e.getKey() + ".socket";
            String text = Files.readString(dir.resolve(name));
            List<String> listen = text.lines().filter(l -> l.startsWith("Listen")).toList();
            assertEquals(e.getValue(), listen, name);
            assertTrue(text.contains("\nFileDescriptorName=" + e.getKey() + "\n"), name + " names its descriptors for the service");
            assertTrue(text.contains("\nService=netsvc.service\n"), name + " hands them to netsvc.service");
            Files.writeString(tmp.resolve(name), text);
            units.add(tmp.resolve(name).toString());
        }
        String analyze = Tools.require("systemd-analyze");
        // verify checks ExecStart= exists: point the unit at this distribution instead of /opt/netsvc; and
        // man:netsvc(1) is not installed here (the Debian package's test verifies its units with it)
        Files.writeString(tmp.resolve("netsvc.service"), service.replace("/opt/netsvc", DistProcess.home().toString()));
        units.set(0, tmp.resolve("netsvc.service").toString());
        List<String> command = new java.util.ArrayList<>(List.of(analyze, "verify", "--man=no"));
        command.addAll(units);
        DistProcess.Result r = Tools.run(T, new byte[0], java.util.Map.of(), command.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::toString);
        List<String> aboutUs = (r.stdout() + "\n" + r.stderr()).lines().filter(l -> l.contains("netsvc")).toList();
        assertEquals(List.of(), aboutUs, "systemd-analyze has nothing to say about the units");
    }
}
