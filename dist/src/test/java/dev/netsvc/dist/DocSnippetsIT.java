package dev.netsvc.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/plugin-authors.md and its sub-pages cannot drift from the SDK: every code block is either a copy of a tagged region
 * of a source the build compiles ({@code <!-- snippet: PATH#TAG -->}, the region between
 * {@code tag::TAG[]} and {@code end::TAG[]}, with the archetype's variables filled in as the tutorial
 * names them), or a command whose essentials are checked here against what ArchetypeIT runs
 * ({@code <!-- checked: NAME -->}).
 */
class DocSnippetsIT {

    private static final Path ROOT = Path.of(System.getProperty("netsvc.root", "..")).toAbsolutePath().normalize();
    private static final Pattern MARKER = Pattern.compile("<!-- (snippet|checked): (\\S+) -->");

    /** The archetype's variables as the tutorial generates the project. */
    private static final Map<String, String> TUTORIAL = Map.of("${serviceId}", "hello-net", "${port}", "7700",
            "${package}", "com.example.hello", "${groupId}", "com.example", "${artifactId}", "hello-net",
            "${version}", "1.0.0", "@project.version@", SdkBuild.VERSION, "${className}", "HelloNet");

    /** What each checked command must contain: the steps ArchetypeIT performs. */
    private static final Map<String, List<String>> COMMANDS = Map.of(
            "home", List.of("netsvc-" + SdkBuild.VERSION),
            "archetype-generate", List.of("-s $NETSVC_HOME/sdk/settings.xml -Dnetsvc.home=$NETSVC_HOME",
                    SdkBuild.ARCHETYPE_PLUGIN, "-DarchetypeGroupId=dev.netsvc", "-DarchetypeArtifactId=netsvc-plugin-archetype",
                    "-DarchetypeVersion=" + SdkBuild.VERSION, "-DgroupId=com.example", "-DartifactId=hello-net",
                    "-Dversion=1.0.0", "-Dpackage=com.example.hello", "-DinteractiveMode=false"),
            "build", List.of("-s $NETSVC_HOME/sdk/settings.xml -Dnetsvc.home=$NETSVC_HOME verify"),
            "list", List.of("cp target/hello-net-1.0.0.jar $NETSVC_HOME/plugins/", "$NETSVC_HOME/bin/netsvc list"),
            "run", List.of("$NETSVC_HOME/bin/netsvc run --enable hello-net"),
            "call", List.of("$NETSVC_HOME/bin/netsvc call hello-net 127.0.0.1 stressed"));

    record Block(String marker, String target, String code, int line) {
    }

    @Test
    void everyCodeBlockIsASourceRegionOrACheckedCommand() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("docs/plugin-authors.md")));
        try (var sub = Files.list(ROOT.resolve("docs/plugin-authors"))) {
            sub.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertTrue(pages.size() > 1, "the sub-pages of docs/plugin-authors/ are checked too");
        for (Path page : pages) {
            String name = ROOT.relativize(page).toString();
            List<Block> blocks = blocks(page);
            assertFalse(blocks.isEmpty(), name + " has no code block");
            for (Block block : blocks) {
                check(name, block);
            }
        }
    }

    private static void check(String page, Block block) throws IOException {
        String where = page + " line " + block.line();
        switch (block.marker()) {
            case "snippet" -> {
                String[] at = block.target().split("#", 2);
                assertEquals(region(ROOT.resolve(at[0]), at[1]), block.code(), where + " differs from " + block.target());
            }
            case "checked" -> {
                List<String> facts = COMMANDS.get(block.target());
                assertTrue(facts != null, where + ": no check named " + block.target());
                String oneLine = block.code().replace("\\\n", " ").replaceAll(" +", " ");
                for (String fact : facts) {
                    assertTrue(oneLine.contains(fact), where + " lacks '" + fact + "':\n" + block.code());
                }
            }
            default -> fail(where + ": a code block without a snippet or checked marker");
        }
    }

    /** Each fenced block with the marker on the line before its opening fence (or "none"). */
    private static List<Block> blocks(Path doc) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("```")) {
                continue;
            }
            Matcher m = i > 0 ? MARKER.matcher(lines.get(i - 1)) : MARKER.matcher("");
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            String code = String.join("\n", lines.subList(start, end));
            blocks.add(m.matches() ? new Block(m.group(1), m.group(2), code, i + 1) : new Block("none", "", code, i + 1));
            i = end;
        }
        return blocks;
    }

    /** The lines between tag::TAG[] and end::TAG[], without their common indentation. */
    static String region(Path file, String tag) throws IOException {
        List<String> region = new ArrayList<>();
        boolean inside = false;
        for (String line : Files.readAllLines(file)) {
            if (line.contains("tag::" + tag + "[]")) {
                inside = true;
            } else if (line.contains("end::" + tag + "[]")) {
                break;
            } else if (inside) {
                region.add(line);
            }
        }
        assertFalse(region.isEmpty(), file + " has no region " + tag);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        String text = String.join("\n", region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList()).strip();
        for (Map.Entry<String, String> variable : TUTORIAL.entrySet()) {
            text = text.replace(variable.getKey(), variable.getValue());
        }
        return text;
    }
}
