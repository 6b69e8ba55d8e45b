package dev.netsvc.launcher.cli;

import dev.netsvc.launcher.PluginJars;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc list} shows what {@code run} would do: conf/netsvc.properties applied, typos reported. */
class ListCommandTest {

    @TempDir
    static Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void buildPlugin() {
        PluginJars.build(home.resolve("plugins"), "good",
                Map.of("t.good.Good", PluginJars.listeningService("t.good", "Good", "good-svc", "")), Map.of());
    }

    private int list(String conf, String... args) throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/netsvc.properties"), conf);
        Main.Launch launch = new Main.Launch(home, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ListCommand(launch).run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void showsThePortsAndValuesOfConfNotTheBuiltInDefaults() throws IOException {
        assertEquals(0, list("good-svc.port=4321\ngood-svc.enabled=false\ngood-svc.level=7\n"));
        String conf = "conf/netsvc.properties"; // named as run and check name it
        assertTrue(out().contains("service good-svc       tcp      port 4321   test service  (disabled in " + conf + ")"),
                out());
        assertTrue(out().matches("(?s).*good-svc\\.level\\s+= 7\\s+# how much \\(set in " + java.util.regex.Pattern.quote(conf) + ", default 3\\).*"), out());
    }

    @Test
    void aMistypedKeyInConfIsReported() throws IOException {
        assertEquals(2, list("good-svc.levle=7\n"));
        String err = this.err.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("unknown key 'good-svc.levle'") && err.contains("did you mean good-svc.level?"), err);
        assertTrue(out().contains("port 1 "), "still lists, with the defaults:\n" + out());
    }

    @Test
    void aConfigFileGoesOverConf(@TempDir Path tmp) throws IOException {
        Path extra = Files.writeString(tmp.resolve("extra.properties"), "good-svc.port=5555\n");
        assertEquals(0, list("good-svc.port=4321\n", "-c", extra.toString()));
        assertTrue(out().contains("port 5555"), out());
    }

    @Test
    void anInstanceIsListedWithItsPluginsServices() throws IOException {
        assertEquals(0, list("good-svc.port=4321\ngood2.instance-of=good-svc\ngood2.port=4322\ngood2.level=8\n"));
        assertTrue(out().contains("service good2          tcp      port 4322   test service (an instance of good-svc)"), out());
        assertTrue(out().matches("(?s).*good2\\.level\\s+= 8\\s+# how much \\(set in conf/netsvc.properties, default 3\\).*"), out());
    }
}
