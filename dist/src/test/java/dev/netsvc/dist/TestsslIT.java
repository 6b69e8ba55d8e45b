package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * testssl.sh (Debian's {@code testssl}) against each engine's TLS, all three at once: no protocol below
 * TLS 1.2, no weak or non-forward-secret suite, no vulnerability it tests for. Judged from its JSON
 * findings: every one must be OK, INFO or DEBUG (a WARN, LOW, MEDIUM, HIGH or CRITICAL fails the test, named), but
 * testssl's own complaint about the local openssl.
 */
class TestsslIT {

    private static final Duration SCAN = Duration.ofMinutes(8);
    private static final List<String> ECHOES = List.of("echo-blocking", "echo-selector", "echo-async");
    /** One field of a finding in testssl's flat JSON ({@code "id" : "TLS1_3",}); a finding may have cve, cwe, hint too. */
    private static final Pattern FIELD = Pattern.compile("\"(id|severity|finding)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path dir;

    @Test
    void everyEngineHasNoWeakProtocolSuiteOrVulnerability() throws Exception {
        String testssl = Tools.require("testssl");
        TlsFiles tls = TlsFiles.in(dir);
        List<String> args = new ArrayList<>(List.of("-e", String.join(",", ECHOES)));
        for (String id : ECHOES) {
            args.addAll(List.of("--set", id + ".port=0"));
            args.addAll(tls.settings(id));
        }
        try (DistProcess netsvc = DistProcess.run(args.toArray(String[]::new))) {
            Map<String, DistProcess.Result> runs = new ConcurrentHashMap<>();
            List<Thread> scans = new ArrayList<>();
            for (String id : ECHOES) {
                Path json = dir.resolve(id + ".json");
                String target = "127.0.0.1:" + netsvc.port(id, "tcp");
                scans.add(Thread.ofPlatform().start(() -> runs.put(id, Tools.run(SCAN, new byte[0], testssl, "--quiet",
                        "--color", "0", "--warnings", "off", "--protocols", "--std", "--fs", "--vulnerable",
                        "--jsonfile", json.toString(), target))));
            }
            for (Thread scan : scans) {
                scan.join(SCAN.plusMinutes(1));
            }
            for (String id : ECHOES) {
                DistProcess.Result run = runs.get(id);
                assertTrue(run != null && Files.exists(dir.resolve(id + ".json")), id + ": testssl ran: " + run);
                Map<String, String[]> findings = findings(Files.readString(dir.resolve(id + ".json")));
                assertTrue(findings.size() > 20, id + ": testssl found little to judge: " + run);
                for (var f : findings.entrySet()) {
                    String severity = f.getValue()[0];
                    assertTrue(List.of("OK", "INFO", "DEBUG").contains(severity) || f.getKey().equals("engine_problem"), // the client's openssl
                            id + ": testssl: " + f.getKey() + " " + severity + ": " + f.getValue()[1]);
                }
                for (String old : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
                    assertTrue(findings.get(old)[1].startsWith("not offered"), id + ": " + old + ": " + findings.get(old)[1]);
                }
                assertEquals("offered with final", findings.get("TLS1_3")[1], id);
                assertTrue(findings.get("TLS1_2")[1].startsWith("offered"), id);
            }
        }
    }

    /** id to {severity, finding}, from testssl's flat JSON. */
    private static Map<String, String[]> findings(String json) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String object : json.split("\\}")) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (Matcher m = FIELD.matcher(object); m.find(); ) {
                fields.put(m.group(1), m.group(2));
            }
            if (fields.size() == 3) {
                out.put(fields.get("id"), new String[] {fields.get("severity"), fields.get("finding")});
            }
        }
        return out;
    }
}
