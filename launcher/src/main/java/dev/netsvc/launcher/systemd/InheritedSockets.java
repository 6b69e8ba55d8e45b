package dev.netsvc.launcher.systemd;

import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.InheritedChannels;
import dev.netsvc.core.internal.NativeCalls;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.launcher.text.Suggest;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.NetworkChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The listening sockets the service manager passed in: systemd's socket activation ({@code LISTEN_PID},
 * {@code LISTEN_FDS}, {@code LISTEN_FDNAMES}; descriptors 3 and up), or a listening socket as standard
 * input ({@code StandardInput=socket}, inetd's {@code wait}, the JDK's {@link System#inheritedChannel()}
 * case). A service takes the socket named after it ({@code FileDescriptorName=} its id; TCP and UDP told
 * apart by the socket's own type) or, failing a name, the one at the address it is configured for; it then
 * binds nothing itself. A taken socket stays open for the whole run, whoever stops: connections wait in
 * its queue while a service restarts or is swapped, as they do in the manager's copy while netsvc restarts.
 * Thread-safe.
 *
 * <p>Sockets arrive as bare descriptors; {@link InheritedChannels} makes JDK channels of them (Java 22+,
 * {@code bin/netsvc run}'s JVM options). An NIO.2 server adopts a taken TCP socket into its own channel
 * ({@link dev.netsvc.core.internal.AsyncListener.Socket#adopt}).
 */
public final class InheritedSockets implements Closeable {

    /** No service manager passed sockets. */
    public static final InheritedSockets NONE = new InheritedSockets(List.of(), List.of());

    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_DOMAIN = 39;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    /** systemd's first passed descriptor, {@code SD_LISTEN_FDS_START}. */
    private static final int FIRST = 3;
    /** More than a service manager would pass: a LISTEN_FDS beyond it is a mistake, not a plan. */
    private static final int MOST = 4096;

    private final List<InheritedSocket> sockets;
    private final List<String> problems;
    private final Map<InheritedSocket, String> takenBy = new IdentityHashMap<>(); // guarded by this
    private volatile Set<String> serviceIds = Set.of();

    private InheritedSockets(List<InheritedSocket> sockets, List<String> problems) {
        this.sockets = List.copyOf(sockets);
        this.problems = List.copyOf(problems);
    }

    /**
     * The sockets of this process's environment: {@code LISTEN_FDS} when {@code LISTEN_PID} is {@code pid}
     * (for another process, a parent, they are not ours), else descriptor 0 when it is a listening TCP
     * socket or a UDP socket, else none.
     */
    public static InheritedSockets fromEnvironment(Map<String, String> env, long pid) {
        String count = env.get("LISTEN_FDS");
        if (count != null && Long.toString(pid).equals(env.get("LISTEN_PID"))) {
            int n;
            try {
                n = Integer.parseInt(count.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n > MOST) {
                return new InheritedSockets(List.of(), List.of("LISTEN_FDS=" + count + " from the service manager is no"
                        + " count of sockets; netsvc takes none of them"));
            }
            List<Integer> fds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fds.add(FIRST + i);
            }
            String names = env.get("LISTEN_FDNAMES");
            return adopt(fds, names == null ? List.of() : List.of(names.split(":", -1)), "LISTEN_FDS");
        }
        if (standardInputIsASocket()) {
            return NativeCalls.get().map(calls -> {
                int fd = calls.dup(0); // 0 stays as it is: it may be the log's too (StandardOutput=inherit)
                return fd < 0 ? NONE : adopt(List.of(fd), List.of(), "standard input");
            }).orElse(NONE);
        }
        return NONE;
    }

    // /proc says without a system call of ours whether 0 is a socket: most starts are from a terminal or a pipe
    private static boolean standardInputIsASocket() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString().startsWith("socket:");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * Takes the sockets {@code fds}, named {@code names} in order (fewer names: the rest have none), passed in
     * by way of {@code how} (for messages). Descriptors that are no listening TCP socket nor UDP socket of
     * IPv4 or IPv6 are left alone, each said in {@link #problems()}.
     */
    public static InheritedSockets adopt(List<Integer> fds, List<String> names, String how) {
        if (fds.isEmpty()) {
            return NONE;
        }
        Optional<InheritedChannels> adoption = InheritedChannels.get();
        if (adoption.isEmpty()) {
            return new InheritedSockets(List.of(), List.of("the service manager passed " + fds.size() + " socket"
                    + (fds.size() == 1 ? "" : "s") + " (" + how + ") but netsvc cannot take them: " + InheritedChannels.whyNot()
                    + "; each service binds its own socket instead, which fails where the manager holds its port"));
        }
        NativeCalls calls = NativeCalls.get().orElseThrow();
        List<InheritedSocket> sockets = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < fds.size(); i++) {
            int fd = fds.get(i);
            String name = i < names.size() ? names.get(i) : "";
            String label = "fd " + fd + (name.isEmpty() ? "" : " '" + name + "'") + " from the service manager";
            OptionalInt type = calls.socketOption(fd, SOL_SOCKET, SO_TYPE);
            OptionalInt domain = calls.socketOption(fd, SOL_SOCKET, SO_DOMAIN);
            if (type.isEmpty() || domain.isEmpty()) {
                problems.add(label + " is not a socket; left alone");
                continue;
            }
            if (domain.getAsInt() != AF_INET && domain.getAsInt() != AF_INET6) {
                problems.add(label + " is " + (domain.getAsInt() == AF_UNIX ? "a Unix socket" : "no IP socket")
                        + ": netsvc's services listen on TCP and UDP; left alone");
                continue;
            }
            StandardProtocolFamily family = domain.getAsInt() == AF_INET ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
            try {
                if (type.getAsInt() == SOCK_STREAM) {
                    if (calls.socketOption(fd, SOL_SOCKET, SO_ACCEPTCONN).orElse(0) == 0) {
                        problems.add(label + " is a TCP socket that is not listening (a connection: Accept=yes?);"
                                + " netsvc takes listening sockets (Accept=no); left alone");
                        continue;
                    }
                    var channel = adoption.get().serverSocket(fd, family);
                    sockets.add(new InheritedSocket(fd, name, Transport.TCP, address(channel), channel));
                } else if (type.getAsInt() == SOCK_DGRAM) {
                    var channel = adoption.get().datagram(fd, family);
                    sockets.add(new InheritedSocket(fd, name, Transport.UDP, address(channel), channel));
                } else {
                    problems.add(label + " is neither a TCP nor a UDP socket (SOCK_SEQPACKET?); left alone");
                }
            } catch (IOException e) {
                problems.add(label + " cannot be taken: " + e.getMessage() + "; left alone");
            }
        }
        return new InheritedSockets(sockets, problems);
    }

    private static InetSocketAddress address(NetworkChannel channel) throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Every socket passed in and taken (claimed by a service or not). */
    public List<InheritedSocket> sockets() {
        return sockets;
    }

    /** What could not be taken, one line each, for the log at start. */
    public List<String> problems() {
        return problems;
    }

    /** Whether the service manager passed no socket netsvc took. */
    public boolean isEmpty() {
        return sockets.isEmpty();
    }

    /**
     * The host's service ids: a socket named after one of them is that service's alone, one named otherwise
     * is matched by address. The host says them at launch and at every reload.
     */
    public void serviceIds(Collection<String> ids) {
        this.serviceIds = Set.copyOf(ids);
    }

    /**
     * The socket service {@code serviceId} listens on for {@code transport}, now its own: the one named after
     * it, else a socket named after no service at the address it is configured for ({@code configured}).
     * Empty when there is none: the service binds its own.
     */
    public synchronized Optional<InheritedSocket> claim(String serviceId, Transport transport, InetSocketAddress configured) {
        InheritedSocket found = null;
        for (InheritedSocket s : sockets) {
            if (!takenBy.containsKey(s) && s.transport() == transport && s.named() && s.name().equals(serviceId)) {
                found = s;
                break;
            }
        }
        if (found == null) {
            for (InheritedSocket s : sockets) {
                if (!takenBy.containsKey(s) && s.transport() == transport && !serviceIds.contains(s.name()) && s.isAt(configured)) {
                    found = s;
                    break;
                }
            }
        }
        if (found != null) {
            takenBy.put(found, serviceId);
        }
        return Optional.ofNullable(found);
    }

    /** Whether a service's socket at {@code address} for {@code transport} came from the service manager. */
    public synchronized boolean isInherited(Transport transport, InetSocketAddress address) {
        for (InheritedSocket s : takenBy.keySet()) {
            if (s.transport() == transport && s.address().equals(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line for each socket no service took (connections to it wait unanswered) and for each named
     * after no service but taken by address: for the log once the host is up.
     */
    public synchronized List<String> unclaimed() {
        List<String> lines = new ArrayList<>();
        for (InheritedSocket s : sockets) {
            String by = takenBy.get(s);
            boolean strangeName = s.named() && !serviceIds.contains(s.name());
            String name = strangeName ? "no service is named '" + s.name() + "'"
                    + Suggest.closest(s.name(), serviceIds).map(c -> " (did you mean " + c + "?)").orElse("") : "";
            if (by == null) {
                lines.add("socket " + s + " from the service manager is taken by no service: "
                        + (strangeName ? name + ", and " : "") + "no enabled service is configured for "
                        + s.transport().label() + " " + HostPort.format(s.address()) + "; connections to it wait unanswered");
            } else if (strangeName) {
                lines.add("socket " + s + " from the service manager: " + name + "; " + by + " takes it by its address");
            }
        }
        return lines;
    }

    /** Closes every socket (the host's exit does as much). */
    @Override
    public void close() {
        for (InheritedSocket s : sockets) {
            try {
                s.channel().close();
            } catch (IOException e) {
                // closing at exit: nothing to tell
            }
        }
    }
}
