package dev.netsvc.core;

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
     * Stops taking new connections (and datagrams) now, without waiting: a newer instance of the service
     * takes them from here on, and {@link #stop} follows, which lets the open connections finish. The
     * host calls it when it swaps in a new instance, so that a new connection after the swap reaches the
     * new instance; it must not block. The default does nothing (then {@link #stop} stops accepting).
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
     * once, however often {@link #stop} is called.
     * <pre>{@code
     * NioTcpServer tcp = NioTcpServer.start(context, options, handlers);
     * return RunningService.of(List.of(tcp.endpoint()), tcp::stop);
     * }</pre>
     */
    static RunningService of(List<Endpoint> endpoints, Consumer<Duration> stopAction) {
        return new StoppableService(endpoints, stopAction);
    }
}
