package dev.netsvc.exec;

import dev.netsvc.core.Counters;
import dev.netsvc.core.process.Spawner;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.util.Random;

import static dev.netsvc.exec.ExecTcpTest.WAIT;
import static dev.netsvc.exec.ExecTcpTest.connect;
import static dev.netsvc.exec.ExecTcpTest.exchange;
import static dev.netsvc.exec.ExecTcpTest.exec;
import static dev.netsvc.exec.ExecTcpTest.pidFromFirstLine;
import static dev.netsvc.exec.ExecTcpTest.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two ways a program starts (core's posix_spawn, or the JDK with setsid in front when that is not
 * available, forced here through {@value ProgramStarter#SPAWN_PROPERTY}) give a program the same world.
 */
class ExecStartPathsTest {

    /** Starts an exec service with programs started through posix_spawn, or through the JDK and setsid. */
    private static ServiceHarness start(boolean posixSpawn, ServiceHarness harness) throws IOException {
        if (posixSpawn) {
            Assumptions.assumeTrue(Spawner.get().isPresent(), Spawner.whyNot());
        }
        System.setProperty(ProgramStarter.SPAWN_PROPERTY, Boolean.toString(posixSpawn));
        try {
            return harness.start(); // read as the service starts
        } finally {
            System.clearProperty(ProgramStarter.SPAWN_PROPERTY);
        }
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void bytesGoThroughAndTheCopiesRunOnTheRightThreads(boolean posixSpawn) throws IOException {
        byte[] big = new byte[1 << 20];
        new Random(29).nextBytes(big);
        try (ServiceHarness cat = start(posixSpawn, exec("/bin/sh", "args", "-c 'echo $$; exec cat'"))) {
            try (Socket socket = connect(cat)) {
                long pid = pidFromFirstLine(socket.getInputStream());
                // a pipe read holds a virtual thread's carrier with the JDK's streams, not with core's channels
                boolean platformCopier = Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().endsWith("-pid" + pid + "-out"));
                assertEquals(!posixSpawn, platformCopier, "platform threads copy only the JDK's streams");
                socket.shutdownOutput();
                assertEquals(-1, socket.getInputStream().read());
            }
            byte[] answer = exchange(cat, big);
            assertArrayEquals(big, java.util.Arrays.copyOfRange(answer, answer.length - big.length, answer.length));
        }
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void theProgramLeadsItsOwnSessionAndGroupAndHoldsOnlyItsPipes(boolean posixSpawn) throws IOException {
        try (ServiceHarness stat = start(posixSpawn, exec("/bin/sh", "args", "-c 'echo $$; read -r l < /proc/$$/stat; echo \"$l\"'"));
             ServiceHarness fds = start(posixSpawn, exec("/bin/ls", "args", "-l /proc/self/fd/"))) {
            String[] lines = text(exchange(stat, new byte[0])).split("\n");
            long pid = Long.parseLong(lines[0]);
            String[] fields = lines[1].substring(lines[1].lastIndexOf(')') + 2).split(" "); // state ppid pgrp session
            assertEquals(pid, Long.parseLong(fields[2]), "its process group: " + lines[1]);
            assertEquals(pid, Long.parseLong(fields[3]), "its session: " + lines[1]);
            assertEquals(ProcessHandle.current().pid(), Long.parseLong(fields[1]), "it is netsvc's child");
            // 0, 1 and 2 are pipes, ls's own folder, and nothing of netsvc's: no listening socket, no connection
            String listing = text(exchange(fds, new byte[0]));
            long descriptors = listing.lines().filter(l -> l.contains(" -> ")).count();
            assertEquals(3, listing.lines().filter(l -> l.contains(" -> pipe:")).count(), listing);
            assertEquals(4, descriptors, listing);
            assertFalse(listing.contains("socket:"), listing);
        }
    }

    @ParameterizedTest(name = "posix_spawn: {0}")
    @ValueSource(booleans = {true, false})
    void aProgramThatCannotBeExecutedIsCountedAndItsClientGetsNothing(boolean posixSpawn) throws IOException {
        try (ServiceHarness missing = start(posixSpawn, exec("/nonexistent/program"))) {
            assertArrayEquals(new byte[0], exchange(missing, "hello\n".getBytes()));
            Await.until(WAIT, "the failed start counted", () -> missing.counters().get(Counters.EXEC_PROGRAMS_NOT_STARTED) == 1);
            Await.until(WAIT, "nothing running", () -> missing.counters().get(Counters.EXEC_PROGRAMS_RUNNING) == 0);
            assertTrue(exchange(missing, new byte[0]).length == 0, "the service serves on");
        }
    }
}
