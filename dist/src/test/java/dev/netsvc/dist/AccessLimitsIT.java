package dev.netsvc.dist;

import dev.netsvc.testkit.SourceAddress;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Access control and descriptor exhaustion in the distribution, started as a child process. */
class AccessLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void onlyFromRefusesOtherSourcesWithoutAByteAndLogsIt() throws Exception {
        try (DistProcess netsvc = DistProcess.run("-e", "echo-blocking", "--set", "echo-blocking.port=0",
                "--set", "echo-blocking.only-from=127.0.0.2")) {
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), netsvc.port("echo-blocking", "tcp"));
            try (Socket allowed = SourceAddress.connectFrom("127.0.0.2", server)) {
                allowed.getOutputStream().write('?');
                assertEquals('?', allowed.getInputStream().read());
            }
            assertTrue(SourceAddress.refused("127.0.0.3", server));
            netsvc.awaitLine(WAIT, Pattern.compile("refused connections from 127\\.0\\.0\\.3 \\(acl\\)"));
        }
    }

    @Test
    void aBadAccessEntryIsAConfigurationErrorNamingTheKeyAndTheEntry() {
        DistProcess.Result r = DistProcess.exec(WAIT, "run", "-e", "echo-blocking", "--set", "echo-blocking.only-from=10.0.0.0/33");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("echo-blocking.only-from: '10.0.0.0/33' is not a CIDR block: prefix 33 > 32"), r::toString);
    }

    /**
     * Under {@code ulimit -n 4096}, less than the services' connection limits add up to by default (43,000):
     * every service starts, the defaults fitted to the limit, and nothing is warned of.
     */
    @Test
    void aDefaultStartUnderALowOpenFilesLimitFitsItsDefaultsAndWarnsOfNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--set", "admin.port=0", "--set", "admin.socket=" + tmp.resolve("ctl.sock")));
        for (String id : List.of("echo-blocking", "echo-selector", "echo-async", "qotd", "daytime", "time", "http")) {
            args.addAll(List.of("--set", id + ".port=0"));
        }
        try (DistProcess netsvc = DistProcess.startWithOpenFiles(4096, args.toArray(String[]::new))) {
            assertEquals(7, netsvc.awaitReady(WAIT), netsvc::output);
            List<String> said = netsvc.stderrLines().stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
            assertEquals(List.of(), said, netsvc::output);
            assertEquals(0, netsvc.terminate(WAIT), netsvc::output);
        }
    }

    /**
     * Under {@code ulimit -n 64}: the start warns that max-connections do not fit, accept runs out of
     * descriptors and says so once (not once per failure), and serving resumes by itself once clients
     * close.
     */
    @Test
    void outOfDescriptorsWarnsOnceAndRecovers() throws Exception {
        try (DistProcess netsvc = DistProcess.startWithOpenFiles(64, "run", "-e", "echo-blocking",
                "--set", "echo-blocking.port=0")) {
            netsvc.awaitReady(WAIT);
            assertTrue(netsvc.stderrText().contains("but this process may open only 64 files"), netsvc::output);
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), netsvc.port("echo-blocking", "tcp"));
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) { // more than the process can hold; the rest wait in the backlog
                    clients.add(new Socket(server.getAddress(), server.getPort()));
                }
                netsvc.awaitLine(WAIT, Pattern.compile("accept on tcp .* failed: the process is out of file descriptors"));
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
            netsvc.awaitLine(WAIT, Pattern.compile("accept on tcp .* works again after \\d+ failures"));
            long warnings = netsvc.stderrLines().stream().filter(l -> l.contains("out of file descriptors")).count();
            assertEquals(1, warnings, "one warning however many accepts failed\n" + netsvc.output());
            // (that a thousand failures in a minute still make one line is AcceptFailuresTest's job, on a manual clock)
            try (Socket again = new Socket(server.getAddress(), server.getPort())) {
                again.setSoTimeout((int) WAIT.toMillis());
                again.getOutputStream().write('?');
                assertEquals('?', again.getInputStream().read(), "served again");
            }
            assertEquals(0, netsvc.terminate(WAIT), netsvc::output);
        }
    }
}
