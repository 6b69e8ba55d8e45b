package dev.netsvc.core;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A started service. {@link NetService#start} returns it once every socket is bound, so the supervisor
 * can log the real addresses (port 0 becomes the port the system chose).
 *
 * <p>Lifecycle contract: the supervisor may call {@link NetService#start} again on the same
 * {@code NetService} instance after {@link #stop} has returned (a restart), with a new context whose
 * {@link ServiceCounters} are the same object, so counters are totals across restarts; keep no state
 * from one run to the next in the {@code NetService} itself. While running, a service that can no longer
 * serve reports it through {@link ServiceContext#failed}; it never exits the process or stops other
 * services. Counters in {@link ServiceContext#counters()} are read live by the supervisor (status,
 * metrics), not only at stop.
 */
public interface RunningService {

    /** Every address the service listens on, as bound. */
    List<Endpoint> endpoints();

    /**
     * Stops accepting at once, lets work in progress finish for up to {@code grace}, then closes what is
     * left and returns. Every thread the service started must have ended when this returns, so its
     * plugin can be unloaded. Calling it twice is harmless.
     */
    void stop(Duration grace);

    /**
     * Stops taking new connections (and datagrams) now: a newer instance of the service, which shares the
     * listening sockets, takes them from here on, and {@link #stop} follows, which lets the open
     * connections finish. The host calls it when it swaps in a new instance, so that every connection
     * after the swap reaches the new instance. It returns once nothing more is accepted or received from
     * the listening sockets, within a second or so (it waits for the engine's accepting thread, never for
     * a connection), and calling it again does nothing. Core's engines ({@code BlockingTcpServer},
     * {@code NioTcpServer}, {@code AsyncTcpServer}, {@code UdpServer}) do it, and so do the running services
     * core composes ({@link #tcpThenUdp}, {@link #of(List, Runnable, Consumer)}). The default does nothing
     * (then {@link #stop} stops accepting, and until it does both instances take new connections).
     */
    default void stopAccepting() {
    }

    /**
     * The host will stop soon and its readiness says so already ({@code netsvc.shutdown-drain-delay}): go on
     * accepting and serving, but let clients that keep a connection open for more go elsewhere, ending each
     * such connection at the end of its current exchange (HTTP: {@code Connection: close} on every response
     * from now on). From any thread, it must not block. The default does nothing.
     */
    default void drain() {
    }

    /**
     * Reopens the files the service writes to by name (access logs), because an operator's log rotation
     * moved them. The supervisor calls it on SIGHUP; from any thread, it must not block. The default does
     * nothing.
     */
    default void reopenLogs() {
    }

    /**
     * A running service made of {@code endpoints} and an action that stops it; the action is run at most
     * once, however often {@link #stop} is called. It cannot stop accepting before {@code stop}: prefer
     * returning core's engine itself (each is a {@code RunningService}), {@link #tcpThenUdp}, or
     * {@link #of(List, Runnable, Consumer)}.
     */
    static RunningService of(List<Endpoint> endpoints, Consumer<Duration> stopAction) {
        return new StoppableService(endpoints, () -> {
        }, stopAction);
    }

    /**
     * A running service made of {@code endpoints}, what stops it accepting ({@link #stopAccepting}) and what
     * stops it; each is run at most once.
     * <pre>{@code
     * return RunningService.of(List.of(server.endpoint()), server::stopAccepting, grace -> {
     *     server.stop(grace);
     *     cache.close();
     * });
     * }</pre>
     */
    static RunningService of(List<Endpoint> endpoints, Runnable stopAccepting, Consumer<Duration> stopAction) {
        return new StoppableService(endpoints, stopAccepting, stopAction);
    }

    /** Starts one part of a service (a TCP or UDP engine) with the context given. */
    @FunctionalInterface
    interface Start {
        RunningService start(ServiceContext context) throws IOException;
    }

    /**
     * A service on TCP and UDP, in the order every such service needs: TCP first, then UDP on the port TCP
     * got (so both share it when port 0 was asked for); if UDP cannot start, TCP is stopped again and the
     * failure thrown, so nothing is left open. The running service lists both endpoints, stops accepting
     * on both, and stops UDP first (it has no work in progress worth waiting for), then TCP with the grace.
     * <pre>{@code
     * return RunningService.tcpThenUdp(context,
     *         tcp -> NioTcpServer.start(tcp, options, connection -> echo),
     *         udp -> UdpServer.start(udp, MAX_DATAGRAM, UDP_ECHO));
     * }</pre>
     */
    static RunningService tcpThenUdp(ServiceContext context, Start tcp, Start udp) throws IOException {
        RunningService tcpSide = tcp.start(context);
        RunningService udpSide;
        try {
            int port = tcpSide.endpoints().stream().filter(e -> e.transport() == Transport.TCP)
                    .mapToInt(Endpoint::port).findFirst().orElse(context.address().getPort());
            udpSide = udp.start(context.withPort(port));
        } catch (IOException | RuntimeException | Error e) {
            tcpSide.stop(Duration.ZERO);
            throw e;
        }
        return new TcpAndUdp(tcpSide, udpSide);
    }
}
