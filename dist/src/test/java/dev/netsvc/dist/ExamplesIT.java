package dev.netsvc.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example plugin the distribution carries in examples/: not loaded by default, and once its jar is in
 * a plugins folder, its five services run and their clients talk to them through {@code netsvc call}.
 */
class ExamplesIT {

    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    static Path plugins;

    private static DistProcess netsvc;

    @BeforeAll
    static void start() throws IOException {
        Path jar = DistProcess.home().resolve("examples/netsvc-example-classics-" + SdkBuild.VERSION + ".jar");
        assertTrue(Files.isRegularFile(jar), jar + " is shipped");
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        netsvc = DistProcess.run("-p", plugins.toString(), "--enable", "discard,chargen,greeting,oneshot,wordcount",
                "--set", "discard.port=0", "--set", "chargen.port=0", "--set", "greeting.port=0", "--set", "oneshot.port=0",
                "--set", "wordcount.port=0");
    }

    @AfterAll
    static void stop() {
        if (netsvc != null) {
            netsvc.close();
        }
    }

    private static String target(String service) {
        return "127.0.0.1:" + netsvc.port(service, "tcp");
    }

    /** {@code netsvc call -p PLUGINS ARGS}: the clients come from the same folder as the services. */
    private static DistProcess.Result call(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("call", "-p", plugins.toString()));
        all.addAll(List.of(args));
        DistProcess.Result r = DistProcess.exec(T, all.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    @Test
    void theDefaultPluginsFolderDoesNotLoadTheExamples() {
        DistProcess.Result list = DistProcess.exec(T, "list");
        assertFalse(list.stdout().contains("chargen"), list::toString);
    }

    @Test
    void greetingAndOneShotAnswerTheirClients() {
        assertEquals(List.of("Welcome!", "Hello, Ada!"), call("greeting", target("greeting"), "Ada").stdout().lines().toList());
        assertEquals("I am server.", call("oneshot", target("oneshot")).stdout().strip());
    }

    /**
     * The socket tutorials' own Python clients, unchanged but for the address: the greeting client sends
     * each name without a newline and waits (answered once it pauses), the one-shot client sends once.
     */
    @Test
    void theTutorialsClientsGetEveryAnswer() throws Exception {
        String greeting = tutorial("greeting_client.py", "greeting");
        assertEquals(List.of("Welcome!", "Hello, michael!", "Hello, tracy!", "Hello, sarah!"),
                greeting.lines().map(String::strip).filter(l -> !l.isEmpty()).toList(), greeting);
        assertEquals("b'I am server.'", tutorial("oneshot_client.py", "oneshot").strip());
    }

    private static String tutorial(String script, String service) throws Exception {
        Process p = new ProcessBuilder(Tools.require("python3"), EchoServiceIT.tutorialClient(script), "127.0.0.1",
                Integer.toString(netsvc.port(service, "tcp"))).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), script + " still running");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The request/reply tutorial's service (docs/plugin-authors/wordcount.md) over both transports. */
    @Test
    void wordcountAnswersOverTcpAndUdp() {
        assertEquals(netsvc.port("wordcount", "tcp"), udpPort("wordcount"), "UDP on the port TCP got");
        assertEquals("4", call("wordcount", target("wordcount"), "the quick brown fox").stdout().strip());
        assertEquals("2", call("wordcount", target("wordcount"), "--udp", "jumps over").stdout().strip());
    }

    @Test
    void discardAndChargenOverTcpAndUdp() {
        assertEquals("discarded 6 bytes at " + target("discard"), call("discard", target("discard"), "hello").stdout().strip());
        assertEquals(3, call("chargen", target("chargen"), "--lines", "3").stdout().lines().count());
        assertEquals(udpPort("chargen"), netsvc.port("chargen", "tcp"), "UDP shares the TCP port");
        DistProcess.Result udp = call("chargen", target("chargen"), "--udp");
        assertTrue(udp.stdout().length() <= 513, udp::toString);
    }

    private static int udpPort(String service) {
        return netsvc.port(service, "udp");
    }
}
