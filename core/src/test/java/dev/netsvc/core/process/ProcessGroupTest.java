package dev.netsvc.core.process;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signals to a program's whole process group, with real processes started through setsid. */
class ProcessGroupTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Process leader(String script) throws IOException {
        Path setsid = Path.of("/usr/bin/setsid");
        Assumptions.assumeTrue(Files.isExecutable(setsid), "setsid (util-linux) is installed");
        return new ProcessBuilder(setsid.toString(), "/bin/sh", "-c", script).redirectErrorStream(true).start();
    }

    private static long firstLine(Process p) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = p.getInputStream().read()) >= 0 && b != '\n'; ) {
            line.append((char) b);
        }
        return Long.parseLong(line.toString().strip());
    }

    private static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    @Test
    void termReachesTheLeaderAndItsChildren() throws IOException {
        Process p = leader("sleep 600 & echo $!; wait");
        long child = firstLine(p);
        assertTrue(ProcessGroup.ledBy(p.toHandle()).signal(ProcessGroup.Signal.TERM));
        Await.until(WAIT, "leader and child gone", () -> !p.isAlive() && gone(child));
    }

    @Test
    void aChildThatOutlivedTheLeaderIsStillInItsGroupAndReached() throws IOException {
        Assumptions.assumeTrue(ProcessGroup.reachesWholeGroup(), ProcessGroup.whyNot());
        Process p = leader("sleep 600 & echo $!");
        long orphan = firstLine(p);
        ProcessGroup group = ProcessGroup.ledBy(p.toHandle());
        Await.until(WAIT, "the leader to exit", () -> !p.isAlive());
        assertFalse(gone(orphan), "its child lives on, adopted by init");
        assertTrue(group.signal(ProcessGroup.Signal.KILL), "the group still has a member");
        Await.until(WAIT, "the orphan gone", () -> gone(orphan));
        Await.until(WAIT, "the group to be empty", () -> !group.signal(ProcessGroup.Signal.TERM));
    }

    @Test
    void thisProcessAndInitAreNeverAGroupToSignal() {
        assertThrows(IllegalArgumentException.class, () -> ProcessGroup.ledBy(ProcessHandle.current()));
        assertThrows(IllegalArgumentException.class, () -> ProcessGroup.ledBy(ProcessHandle.of(1).orElseThrow()));
    }

    @Test
    void whyNotSaysWhatIsMissingInWords() {
        assertTrue(ProcessGroup.whyNot().contains("kill()"), ProcessGroup.whyNot());
    }
}
