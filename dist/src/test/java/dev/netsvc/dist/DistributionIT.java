package dev.netsvc.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layout of the assembled distribution, and what each plugin jar holds (and must not hold). */
class DistributionIT {

    private static final Path HOME = DistProcess.home();

    @Test
    void layoutIsAsDocumented() throws IOException {
        for (String entry : new String[] {"bin/netsvc", "lib", "plugins", "conf/netsvc.properties", "www"}) {
            assertTrue(Files.exists(HOME.resolve(entry)), entry + " exists");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(HOME.resolve("bin/netsvc"));
        assertTrue(mode.contains(PosixFilePermission.OWNER_EXECUTE) && mode.contains(PosixFilePermission.OTHERS_EXECUTE),
                "bin/netsvc is executable: " + mode);
        List<String> lib = names(HOME.resolve("lib"));
        for (String prefix : new String[] {"netsvc-launcher-", "netsvc-core-", "pf4j-", "commons-cli-", "slf4j-api-", "slf4j-simple-"}) {
            assertTrue(lib.stream().anyMatch(n -> n.startsWith(prefix)), "lib/ has " + prefix + "*: " + lib);
        }
        assertTrue(Files.isRegularFile(Path.of(System.getProperty("netsvc.tarball"))), "the .tar.gz is built");
    }

    @Test
    void everyPluginJarHasAnExtensionIndexAndBundlesNoHostClasses() throws IOException {
        List<Path> jars = jars(HOME.resolve("plugins"));
        assertFalse(jars.isEmpty(), "plugins/ has jars");
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                ZipEntry index = file.getEntry("META-INF/extensions.idx");
                assertNotNull(index, jar + " has META-INF/extensions.idx (annotation processing ran)");
                String classes = new String(file.getInputStream(index).readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(classes.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")),
                        jar + " indexes at least one extension:\n" + classes);
                Manifest manifest = file.getManifest();
                assertNotNull(manifest.getMainAttributes().getValue("Plugin-Id"), jar + " has Plugin-Id");
                assertNotNull(manifest.getMainAttributes().getValue("Plugin-Version"), jar + " has Plugin-Version");
                assertNotNull(manifest.getMainAttributes().getValue("Plugin-Requires"), jar + " has Plugin-Requires");
                List<String> bundled = file.stream().map(ZipEntry::getName)
                        .filter(n -> n.startsWith("org/pf4j/") || n.startsWith("org/slf4j/")
                                || n.startsWith("dev/netsvc/core/") || n.startsWith("org/apache/commons/cli/")
                                || n.endsWith(".jar"))
                        .toList();
                assertEquals(List.of(), bundled, jar + " bundles nothing the host provides");
            }
        }
    }

    /** conf/netsvc.properties lists every key of every shipped service, commented, with its default. */
    @Test
    void confFileListsEveryKeyWithItsDefault() throws IOException {
        DistProcess.Result list = DistProcess.exec(Duration.ofSeconds(30), "list");
        assertEquals(0, list.exitCode(), list::toString);
        Pattern row = Pattern.compile("^\\s+(\\S+\\.\\S+) = (.*?)\\s+# ");
        String conf = Files.readString(HOME.resolve("conf/netsvc.properties"));
        Set<String> missing = new TreeSet<>();
        for (String line : list.stdout().lines().toList()) {
            Matcher m = row.matcher(line);
            if (!m.find()) {
                continue;
            }
            String key = m.group(1);
            String def = m.group(2).strip();
            String expected = "#" + key + "=" + (def.equals("(netsvc.bind)") ? "127.0.0.1" : def);
            if (conf.lines().noneMatch(l -> l.strip().equals(expected))) {
                missing.add(expected);
            }
        }
        assertTrue(missing.isEmpty(), "conf/netsvc.properties lacks:\n" + String.join("\n", missing));
        assertTrue(conf.contains("#netsvc.bind=127.0.0.1") && conf.contains("#netsvc.shutdown-grace=5s"), "launcher keys");
        assertTrue(conf.contains("#admin.enabled=true") && conf.contains("#admin.bind=127.0.0.1")
                && conf.contains("#admin.port=9111"), "admin endpoint keys");
    }

    /** The box's README is written for whoever unpacked it, not the source tree's (which builds and tests). */
    @Test
    void theReadmeIsTheDistributionsOwn() throws IOException {
        String readme = Files.readString(HOME.resolve("README.md"));
        assertTrue(readme.startsWith("# netsvc " + System.getProperty("netsvc.version") + "\n"), "version filled in");
        assertTrue(readme.contains("bin/netsvc run"), "tells how to run it from here");
        assertFalse(readme.contains("mvn verify") || readme.contains("./netsvc run"), "nothing about building from source");
    }

    /** man/netsvc.1 is in the box, its version filled in, and groff formats it without a warning. */
    @Test
    void theManPageFormatsWithoutWarnings() throws IOException {
        Path page = HOME.resolve("man/netsvc.1");
        String text = Files.readString(page);
        assertTrue(text.contains(".TH NETSVC 1 ") && text.contains("\"netsvc " + System.getProperty("netsvc.version") + "\""),
                "the title line carries the version");
        String groff = Tools.require("groff");
        DistProcess.Result r = Tools.run(Duration.ofSeconds(30), new byte[0], groff, "-man", "-Tutf8", "-ww", "-z", page.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.stderr(), "groff has nothing to say about the page");
    }

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    /** Every relative link in the README and the docs in the box leads to a file in the box. */
    @Test
    void everyLinkInTheShippedDocsStaysInTheBox() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(HOME.resolve("README.md")));
        try (var docs = Files.walk(HOME.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertTrue(pages.stream().anyMatch(p -> p.endsWith("docs/operators.md")), "operators.md ships: " + pages);
        assertTrue(pages.stream().anyMatch(p -> p.endsWith("docs/plugin-authors.md")), "plugin-authors.md ships");
        assertTrue(pages.stream().anyMatch(p -> p.endsWith("docs/benchmarks.md")), "benchmarks.md ships");
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // https:, mailto:: not a file of the box
                }
                Path resolved = page.getParent().resolve(target).normalize();
                if (!resolved.startsWith(HOME) || !Files.exists(resolved)) {
                    broken.add(HOME.relativize(page) + ": " + target);
                }
            }
        }
        assertEquals(List.of(), broken, "links that lead out of the box");
    }

    private static final Pattern DOC_MENTION = Pattern.compile("docs/[A-Za-z0-9_./-]+\\.md");

    /**
     * Every document a message of the launcher, core or a shipped plugin points to ("see
     * docs/plugin-authors.md") is in the box: the string constants of every class in lib/ and plugins/.
     */
    @Test
    void everyDocumentAMessageNamesIsInTheBox() throws IOException {
        Set<String> named = new TreeSet<>();
        List<Path> jars = new ArrayList<>(jars(HOME.resolve("lib")));
        jars.addAll(jars(HOME.resolve("plugins")));
        for (Path jar : jars) {
            if (!jar.getFileName().toString().startsWith("netsvc-") && !jar.getParent().endsWith("plugins")) {
                continue; // pf4j, slf4j, ...: not ours
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                for (var e : java.util.Collections.list(file.entries())) {
                    if (e.getName().endsWith(".class")) {
                        Matcher m = DOC_MENTION.matcher(new String(file.getInputStream(e).readAllBytes(), StandardCharsets.ISO_8859_1));
                        while (m.find()) {
                            named.add(m.group());
                        }
                    }
                }
            }
        }
        assertFalse(named.isEmpty(), "the launcher names docs/operators.md in its help, at least");
        List<String> missing = named.stream().filter(d -> !Files.isRegularFile(HOME.resolve(d))).toList();
        assertEquals(List.of(), missing, "documents named by messages but not in the box (of " + named + ")");
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (Path p : jars(dir)) {
            names.add(p.getFileName().toString());
        }
        return names;
    }
}
