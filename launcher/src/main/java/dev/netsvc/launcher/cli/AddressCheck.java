package dev.netsvc.launcher.cli;

import dev.netsvc.core.Transport;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.core.internal.Sockets;
import dev.netsvc.launcher.config.Plan;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.control.ControlClient;
import dev.netsvc.launcher.control.ControlProtocol;
import dev.netsvc.launcher.text.Problem;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code check}'s last step: can every enabled service's address be bound? Each one is bound for a
 * moment and let go. A host already running at the control socket answers which addresses it holds, and
 * those are its own, not a conflict: {@code check} beside a running host says what {@code reload} would.
 */
final class AddressCheck {

    private AddressCheck() {
    }

    /** The addresses of {@code plan} that cannot be bound, one problem each: service, address and cause. */
    static List<Problem> unavailable(Plan plan, Path controlSocket) {
        Set<String> held = heldByRunningHost(controlSocket);
        List<Problem> problems = new ArrayList<>();
        for (ServicePlan p : plan.enabled()) {
            if (p.port() == 0) {
                continue;
            }
            InetSocketAddress address = new InetSocketAddress(p.bind(), p.port());
            for (Transport t : new TreeSet<>(p.service().transports())) {
                String where = t.label() + " " + HostPort.format(address);
                if (held.contains(where)) {
                    continue;
                }
                try (Closeable socket = t == Transport.TCP ? Sockets.listenTcpChannel(address, 1) : Sockets.bindUdp(address)) {
                    // bound: free
                } catch (IOException e) {
                    problems.add(new Problem(p.id(), SocketErrors.explain(e, where).message()));
                }
            }
        }
        return problems;
    }

    // "tcp 127.0.0.1:8080", one per address the host at the socket listens on; none when none runs there
    private static Set<String> heldByRunningHost(Path socket) {
        Set<String> held = new TreeSet<>();
        try {
            ControlProtocol.Reply reply = ControlClient.send(socket, List.of("listening"));
            if (reply.exitCode() == 0) {
                reply.out().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(held::add);
            }
        } catch (IOException e) {
            // no host runs there: every address must be free
        }
        return held;
    }
}
