package dev.netsvc.launcher.systemd;

import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.NativeCalls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sockets as a service manager passes them: real sockets of this JVM, each handed over as a duplicate of
 * its descriptor with the original closed, named or not.
 */
class InheritedSocketsTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private NativeCalls calls;
    private final List<InheritedSockets> opened = new ArrayList<>();

    @BeforeEach
    void nativeCalls() {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux") && Runtime.version().feature() >= 22);
        calls = NativeCalls.get().orElseThrow(() -> new AssertionError("native calls, with the options of pom.xml"));
    }

    @AfterEach
    void close() {
        opened.forEach(InheritedSockets::close);
    }

    private int passed(Channel channel) throws IOException {
        int fd = calls.dup(calls.descriptor(channel).orElseThrow());
        channel.close();
        return fd;
    }

    private int tcp() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(LOOPBACK);
        return passed(s);
    }

    private int udp() throws IOException {
        DatagramChannel d = DatagramChannel.open();
        d.bind(LOOPBACK);
        return passed(d);
    }

    private InheritedSockets adopt(List<Integer> fds, List<String> names) {
        InheritedSockets sockets = InheritedSockets.adopt(fds, names, "test");
        opened.add(sockets);
        return sockets;
    }

    @Test
    void aServiceTakesTheSocketsNamedAfterItTcpAndUdpToldApartByType() throws IOException {
        InheritedSockets sockets = adopt(List.of(tcp(), udp(), tcp()), List.of("daytime", "daytime", "http"));
        sockets.serviceIds(List.of("daytime", "http", "echo"));
        assertTrue(sockets.problems().isEmpty(), sockets.problems()::toString);
        InheritedSocket daytimeTcp = sockets.claim("daytime", Transport.TCP, LOOPBACK).orElseThrow();
        InheritedSocket daytimeUdp = sockets.claim("daytime", Transport.UDP, LOOPBACK).orElseThrow();
        assertEquals(Transport.TCP, daytimeTcp.transport());
        assertEquals(Transport.UDP, daytimeUdp.transport());
        assertTrue(daytimeTcp.channel() instanceof ServerSocketChannel);
        assertTrue(daytimeUdp.channel() instanceof DatagramChannel);
        assertTrue(sockets.claim("daytime", Transport.TCP, LOOPBACK).isEmpty(), "each socket is taken once");
        assertTrue(sockets.claim("echo", Transport.TCP, daytimeTcp.address()).isEmpty(),
                "a socket named after another service is not taken by address");
        assertTrue(sockets.isInherited(Transport.TCP, daytimeTcp.address()));
        assertEquals(List.of("socket fd " + sockets.sockets().get(2).fd() + " 'http' (tcp "
                        + dev.netsvc.core.net.HostPort.format(sockets.sockets().get(2).address()) + ") from the service manager is"
                        + " taken by no service: no enabled service is configured for tcp "
                        + dev.netsvc.core.net.HostPort.format(sockets.sockets().get(2).address()) + "; connections to it wait unanswered"),
                sockets.unclaimed());
    }

    @Test
    void anUnnamedSocketGoesToTheServiceConfiguredForItsAddress() throws IOException {
        InheritedSockets sockets = adopt(List.of(tcp()), List.of());
        sockets.serviceIds(List.of("echo", "http"));
        InetSocketAddress at = sockets.sockets().get(0).address();
        assertTrue(sockets.claim("echo", Transport.TCP, new InetSocketAddress(at.getAddress(), at.getPort() == 1 ? 2 : 1)).isEmpty(),
                "another port");
        assertTrue(sockets.claim("echo", Transport.UDP, at).isEmpty(), "another transport");
        assertSame(sockets.sockets().get(0), sockets.claim("echo", Transport.TCP, at).orElseThrow());
        assertEquals(List.of(), sockets.unclaimed(), "nothing to say: taken, and named after nothing");
    }

    @Test
    void aWildcardSocketMatchesAWildcardBindOfEitherFamily() throws IOException {
        ServerSocketChannel any6 = ServerSocketChannel.open();
        any6.bind(new InetSocketAddress(0)); // [::]:port where the JDK has IPv6, as ListenStream=PORT binds
        int port = ((InetSocketAddress) any6.getLocalAddress()).getPort();
        InheritedSockets sockets = adopt(List.of(passed(any6)), List.of("netsvc.socket")); // systemd's default name
        sockets.serviceIds(List.of("echo"));
        assertTrue(sockets.claim("echo", Transport.TCP, new InetSocketAddress("0.0.0.0", port)).isPresent());
        assertEquals(List.of(), sockets.unclaimed(), "a unit's own name is no name to complain about");
    }

    @Test
    void aNameOfNoServiceIsSaidWithTheLikelyOneAndTheAddressDecides() throws IOException {
        InheritedSockets sockets = adopt(List.of(tcp()), List.of("htpp"));
        sockets.serviceIds(List.of("http", "echo"));
        InheritedSocket s = sockets.sockets().get(0);
        assertTrue(sockets.claim("http", Transport.TCP, s.address()).isPresent());
        List<String> lines = sockets.unclaimed();
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("no service is named 'htpp' (did you mean http?); http takes it by its address"), lines.get(0));
    }

    @Test
    void descriptorsThatAreNoListeningIpSocketsAreLeftAloneEachSaid(@TempDir Path tmp) throws IOException {
        FileChannel file = FileChannel.open(Files.createFile(tmp.resolve("f")), StandardOpenOption.WRITE);
        int fileFd = calls.dup(descriptorOf(file));
        file.close();
        ServerSocketChannel server = ServerSocketChannel.open().bind(LOOPBACK);
        SocketChannel connected = SocketChannel.open(server.getLocalAddress());
        int connectionFd = passed(connected);
        server.close();
        InheritedSockets sockets = adopt(List.of(fileFd, connectionFd, tcp()), List.of("a", "b", "c"));
        assertEquals(1, sockets.sockets().size(), "the listening socket only");
        assertEquals(2, sockets.problems().size(), sockets.problems()::toString);
        assertTrue(sockets.problems().get(0).startsWith("fd " + fileFd + " 'a' from the service manager is not a socket"),
                sockets.problems().get(0));
        assertTrue(sockets.problems().get(1).contains("not listening"), sockets.problems().get(1));
        calls.close(fileFd);
        calls.close(connectionFd);
    }

    // a FileChannel's descriptor, which NativeCalls does not read (it reads socket channels)
    private static int descriptorOf(FileChannel file) {
        try {
            var fdField = Class.forName("sun.nio.ch.FileChannelImpl").getDeclaredField("fd");
            fdField.setAccessible(true);
            var fd = (java.io.FileDescriptor) fdField.get(file);
            return (int) Class.forName("sun.nio.ch.IOUtil").getMethod("fdVal", java.io.FileDescriptor.class).invoke(null, fd);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theEnvironmentOfAnotherProcessOrNoneGivesNoSockets() {
        long pid = ProcessHandle.current().pid();
        assertTrue(InheritedSockets.fromEnvironment(Map.of("LISTEN_PID", Long.toString(pid + 1), "LISTEN_FDS", "2"), pid).isEmpty());
        assertTrue(InheritedSockets.fromEnvironment(Map.of(), pid).isEmpty());
        InheritedSockets wrong = InheritedSockets.fromEnvironment(Map.of("LISTEN_PID", Long.toString(pid), "LISTEN_FDS", "two"), pid);
        assertTrue(wrong.isEmpty());
        assertEquals(List.of("LISTEN_FDS=two from the service manager is no count of sockets; netsvc takes none of them"),
                wrong.problems());
        assertFalse(Set.of().contains("x"));
    }
}
