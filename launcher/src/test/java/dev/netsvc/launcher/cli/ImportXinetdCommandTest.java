package dev.netsvc.launcher.cli;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc import-xinetd}: xinetd's files as netsvc configuration, and what cannot be carried over. */
class ImportXinetdCommandTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        Main.Launch launch = new Main.Launch(tmp, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Main(launch).run(args);
    }

    private List<String> keys() {
        return out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    private List<String> notCarried() {
        return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("# not carried over: ")).toList();
    }

    private Path services() throws IOException {
        return Files.writeString(tmp.resolve("services"), """
                echo		7/tcp
                echo		7/udp
                daytime		13/tcp
                time		37/tcp		timserver
                finger		79/tcp
                tftp		69/udp
                """);
    }

    @Test
    void aProgramBecomesAnExecInstanceWithItsAccessRulesLimitsAndLogging() throws IOException {
        Path conf = Files.writeString(tmp.resolve("xinetd.conf"), """
                # a hand-written xinetd.conf
                defaults
                {
                	log_type	= SYSLOG daemon info
                	log_on_failure	= HOST
                	only_from	= 10.0.0.0 192.168.{1,2}.0 ::1
                	instances	= 60
                }

                service finger
                {
                	socket_type	= stream
                	protocol	= tcp
                	wait		= no
                	user		= nobody
                	server		= /usr/sbin/in.fingerd
                	server_args	= -w -l
                	log_on_success	+= PID HOST DURATION EXIT
                	only_from	+= trusted.example.com 172.16.0.0/12
                	no_access	= 10.1.0.0
                	per_source	= 5
                	cps		= 25 30
                	env		= LANG=C TZ=UTC
                	nice		= 10
                }

                service quote-of-the-day
                {
                	id		= qotd_tcp
                	type		= UNLISTED
                	port		= 7017
                	socket_type	= stream
                	wait		= no
                	server		= /usr/games/fortune
                	server_args	= -s "computers and science"
                	disable		= yes
                }
                """);
        assertEquals(0, run("import-xinetd", "--services", services().toString(), conf.toString()));
        assertEquals(List.of(
                "finger.instance-of=exec", "finger.command=/usr/sbin/in.fingerd", "finger.args=-w -l", "finger.user=nobody",
                "finger.env.LANG=C", "finger.env.TZ=UTC", "finger.port=79",
                "finger.only-from=10.0.0.0/8, 192.168.1.0/24, 192.168.2.0/24, ::1, 172.16.0.0/12",
                "finger.no-access=10.1.0.0/16", "finger.max-connections=60", "finger.per-source=5", "finger.rate=25",
                "finger.connection-log=all",
                "qotd-tcp.instance-of=exec", "qotd-tcp.command=/usr/games/fortune",
                "qotd-tcp.args=-s '\"computers' and 'science\"'", "qotd-tcp.port=7017", "qotd-tcp.only-from=10.0.0.0/8,"
                        + " 192.168.1.0/24, 192.168.2.0/24, ::1", "qotd-tcp.max-connections=60",
                "qotd-tcp.connection-log=failure", "qotd-tcp.enabled=false"), keys());
        List<String> lost = notCarried();
        assertTrue(lost.contains("# not carried over: only_from = trusted.example.com: netsvc takes IP addresses and CIDR"
                + " blocks only, never names"), lost.toString());
        assertTrue(lost.contains("# not carried over: nice = 10: run the program through /usr/bin/nice (command and args)"),
                lost.toString());
        assertTrue(lost.stream().anyMatch(l -> l.startsWith("# not carried over: log_type = SYSLOG daemon info")), lost.toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(lost.size() + " attributes were not carried over"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void debiansShippedInternalServicesBecomeNetsvcsOwnAndTheRestIsNamed() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("xinetd.d"));
        for (String name : List.of("echo", "daytime", "time", "chargen")) {
            Files.writeString(dir.resolve(name), """
                    # default: off
                    service NAME
                    {
                    	disable		= yes
                    	type		= INTERNAL
                    	id		= NAME-stream
                    	socket_type	= stream
                    	protocol	= tcp
                    	user		= root
                    	wait		= no
                    }

                    service NAME
                    {
                    	disable		= yes
                    	type		= INTERNAL
                    	id		= NAME-dgram
                    	socket_type	= dgram
                    	protocol	= udp
                    	user		= root
                    	wait		= yes
                    }
                    """.replace("NAME", name));
        }
        Files.writeString(dir.resolve("echo.dpkg-old"), "not read: xinetd skips names with a dot");
        assertEquals(0, run("import-xinetd", "--services", services().toString(), dir.toString()));
        assertEquals(List.of("daytime.port=13", "daytime.enabled=false", "echo-selector.port=7", "echo-selector.enabled=false",
                "time.port=37", "time.enabled=false"), keys());
        assertEquals(List.of("# not carried over: type = INTERNAL: xinetd's own 'chargen' service; netsvc ships none"
                + " (examples/classics has one as a plugin); not imported"), notCarried(), "said once for both transports");
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("# netsvc configuration from xinetd's " + dir
                + " (8 services in 4 files)"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void whatNetsvcCannotRunIsNotImportedAndSaysWhy() throws IOException {
        Path conf = Files.writeString(tmp.resolve("xinetd.conf"), """
                service tftp
                {
                	socket_type	= dgram
                	protocol	= udp
                	wait		= yes
                	user		= root
                	server		= /usr/sbin/in.tftpd
                	server_args	= -s /srv/tftp
                }
                service imap
                {
                	socket_type	= stream
                	wait		= yes
                	server		= /usr/sbin/imapd
                	port		= 143
                }
                service nobody-allowed
                {
                	socket_type	= stream
                	wait		= no
                	server		= /bin/cat
                	port		= 7999
                	only_from	=
                }
                """);
        assertEquals(0, run("import-xinetd", "--services", services().toString(), conf.toString()));
        List<String> keys = keys();
        assertTrue(keys.contains("tftp.transport=udp") && keys.contains("tftp.port=69"), keys.toString());
        assertTrue(keys.stream().noneMatch(k -> k.startsWith("imap.")), keys.toString());
        assertTrue(keys.contains("nobody-allowed.enabled=false"), keys.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("# socket_type = dgram: wait = yes: the program gets one datagram on its standard input"), text);
        assertTrue(text.contains("# not carried over: wait = yes: the program accepts the connections itself"), text);
    }

    @Test
    void aSyntaxErrorNamesTheFileAndLineAndExits2() throws IOException {
        Path conf = Files.writeString(tmp.resolve("broken.conf"), "service x\n{\n\tserver /bin/cat\n}\n");
        assertEquals(2, run("import-xinetd", conf.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(conf + ", line 3: expected 'attribute = value', not"
                + " 'server /bin/cat'"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("import-xinetd", tmp.resolve("missing").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing does not exist"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("import-xinetd"));
    }

    @Test
    void argsThatNeedQuotingReadBackAsTheSameWords() {
        assertEquals("plain", XinetdImport.quoted("plain"));
        assertEquals("'two words'", XinetdImport.quoted("two words"));
        assertEquals("'it'\\''s'", XinetdImport.quoted("it's"));
        assertEquals("''", XinetdImport.quoted(""));
    }
}
