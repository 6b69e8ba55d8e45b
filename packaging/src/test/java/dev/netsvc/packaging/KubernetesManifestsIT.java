package dev.netsvc.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/kubernetes validated offline against the Kubernetes API's schemas (packaging/src/test/kubernetes/
 * validate.mjs, with the npm registry's kubernetes-models and the official client, versions pinned by
 * its package-lock.json), strictly: a field the API does not have fails, as does each of the bad
 * manifests beside the validator. Then what the docs promise of them: probes, drain, security context.
 */
class KubernetesManifestsIT {

    private static final Duration T = Duration.ofMinutes(5);
    private static final Path ROOT = Tools.property("netsvc.root").toAbsolutePath().normalize();
    private static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");
    private static final Path SOURCES = ROOT.resolve("packaging/src/test/kubernetes");
    private static final Path WORK = ROOT.resolve("packaging/target/kubernetes-validation");
    private static String node;

    /** The validator and its packages, from the npm registry (npm's cache when it has them). */
    @BeforeAll
    static void installTheValidator() throws IOException {
        node = Tools.require("node");
        String npm = Tools.require("npm");
        Files.createDirectories(WORK);
        boolean fresh = Files.exists(WORK.resolve("node_modules/.package-lock.json"))
                && Files.readString(WORK.resolve("package-lock.json")).equals(Files.readString(SOURCES.resolve("package-lock.json")));
        for (String file : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!fresh) {
            Tools.Result ci = Tools.run(T, Map.of("PATH", System.getenv("PATH")), "sh", "-c",
                    "cd \"$0\" && \"$1\" ci --no-audit --no-fund --prefer-offline", WORK.toString(), npm);
            assertEquals(0, ci.exitCode(), () -> "npm ci of the validator failed (the npm registry or its cache is needed): " + ci);
        }
    }

    private static Tools.Result validate(List<Path> files) {
        List<String> command = new ArrayList<>(List.of(node, WORK.resolve("validate.mjs").toString()));
        files.forEach(f -> command.add(f.toString()));
        return Tools.run(T, Map.of("NODE_PATH", WORK.resolve("node_modules").toString()), command.toArray(String[]::new));
    }

    private static List<Path> yaml(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void theShippedManifestsValidate() throws IOException {
        List<Path> manifests = yaml(MANIFESTS);
        assertEquals(List.of("configmap.yaml", "deployment.yaml", "plugins-volume.yaml", "poddisruptionbudget.yaml", "service.yaml"),
                manifests.stream().map(p -> p.getFileName().toString()).toList());
        Tools.Result r = validate(manifests);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("valid", r.stdout().strip(), r::toString);
    }

    /** Each bad manifest fails, for its own reason: the validation is no rubber stamp. */
    @Test
    void eachBadManifestFailsForItsReason() throws IOException {
        Map<String, String> reasons = Map.of(
                "unknown-field.yaml", "unknown field \"readinesProbe\"",
                "wrong-type.yaml", "spec/replicas must be integer",
                "missing-required.yaml", "must have required property port",
                "wrong-enum.yaml", "protocol must be equal to one of the allowed values",
                "removed-api.yaml", "policy/v1beta1 PodDisruptionBudget is not a type of the Kubernetes API");
        List<Path> bad = yaml(SOURCES.resolve("bad"));
        assertEquals(reasons.keySet().stream().sorted().toList(), bad.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : bad) {
            Tools.Result r = validate(List.of(file));
            assertEquals(1, r.exitCode(), file + " must fail: " + r);
            assertTrue(r.stdout().contains(reasons.get(file.getFileName().toString())), file + ": " + r);
        }
    }

    @Test
    void theDeploymentProbesDrainsAndRunsLocked() throws IOException {
        String deployment = Files.readString(MANIFESTS.resolve("deployment.yaml"));
        String version = System.getProperty("netsvc.version");
        assertEquals(2, count(deployment, "image: netsvc:" + Pattern.quote(version) + "\n"), "both containers run this build's image");
        assertTrue(deployment.contains("readinessProbe:\n            httpGet: {path: /readyz, port: admin}"), "readiness on /readyz");
        assertTrue(deployment.contains("livenessProbe:\n            httpGet: {path: /livez, port: admin}"), "liveness on /livez");
        assertTrue(deployment.contains("{name: admin, containerPort: 9111, protocol: TCP}"), "the admin port");
        assertEquals(2, count(deployment, "readOnlyRootFilesystem: true"), "a read-only root in both containers");
        assertTrue(deployment.contains("runAsNonRoot: true") && deployment.contains("runAsUser: 10001"), "non-root, the image's user");
        assertEquals(2, count(deployment, "drop: \\[\"ALL\"\\]"), "no capabilities");
        for (String volume : List.of("/etc/netsvc/conf.d", "/var/lib/netsvc/plugins", "/run/netsvc", "/var/cache/netsvc", "/tmp")) {
            assertTrue(deployment.contains("mountPath: " + volume + "\n"), "the image's volume " + volume);
        }

        // terminationGracePeriodSeconds above netsvc's own stop: drain + grace + 2 s
        String conf = Files.readString(MANIFESTS.resolve("configmap.yaml"));
        int drain = seconds(conf, "netsvc.shutdown-drain-delay=(\\d+)s");
        int grace = seconds(conf, "netsvc.shutdown-grace=(\\d+)s");
        int period = seconds(deployment, "terminationGracePeriodSeconds: (\\d+)");
        assertTrue(drain > 0, "the pods drain before they stop");
        assertTrue(period > drain + grace + 2, period + " s > " + drain + " + " + grace + " + 2 s");

        String service = Files.readString(MANIFESTS.resolve("service.yaml"));
        assertTrue(service.contains("protocol: UDP") && service.contains("protocol: TCP"), "TCP and UDP ports");
        String pdb = Files.readString(MANIFESTS.resolve("poddisruptionbudget.yaml"));
        assertTrue(pdb.contains("kind: PodDisruptionBudget") && pdb.contains("maxUnavailable: 1"), pdb);
    }

    private static int count(String text, String regex) {
        return (int) Pattern.compile(regex).matcher(text).results().count();
    }

    private static int seconds(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex);
        return Integer.parseInt(m.group(1));
    }
}
