package dev.netsvc.launcher.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's rough edges that need no plugins: help, option errors, resolve. */
class MainTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        Main.Launch launch = new Main.Launch(home, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Main(launch).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpCommandShowsThatCommandsHelp() {
        assertEquals(0, run("help", "run"));
        assertTrue(out().startsWith("usage: netsvc run"), out());
        assertTrue(out().contains("--config"), out());
        assertEquals(0, run("help", "resolve"));
        assertTrue(out().startsWith("usage: netsvc resolve"), out());
        assertEquals(2, run("help", "rnu"));
        assertTrue(err().contains("no command 'rnu'") && err().contains("did you mean run?"), err());
        assertEquals(0, run("help"));
        assertTrue(out().startsWith("usage: netsvc COMMAND"), out());
    }

    @Test
    void aMissingOptionValueNamesTheLongOption() {
        assertEquals(2, run("run", "--set"));
        assertTrue(err().contains("missing value for option --set"), err());
        assertEquals(2, run("run", "-c"));
        assertTrue(err().contains("missing value for option --config"), err());
    }

    @Test
    void resolveRefusesAnEmptyNameAndAHostWithAPort() {
        assertEquals(2, run("resolve", ""));
        assertTrue(err().contains("'' is not a host name"), err());
        assertEquals("", out());

        assertEquals(2, run("resolve", "localhost:80"));
        assertTrue(err().contains("'localhost:80' has a port; resolve takes a host alone: netsvc resolve localhost"), err());

        assertEquals(2, run("resolve", "-4", "-6", "localhost"));
        assertTrue(err().contains("-4 and -6 exclude each other"), err());

        assertEquals(0, run("resolve", "[::1]"));
        assertEquals("::1 IPv6" + System.lineSeparator(), out());
        assertEquals(0, run("resolve", "-4", "127.0.0.1"));
        assertEquals("127.0.0.1 IPv4" + System.lineSeparator(), out());
    }

    @Test
    void resolveHintsAtTheResolverNotAtItself() {
        assertEquals(1, run("resolve", "no-such-host.invalid"));
        assertTrue(err().contains("host 'no-such-host.invalid' was not found"), err());
        assertFalse(err().contains("netsvc resolve no-such-host.invalid"), err());
    }
}
