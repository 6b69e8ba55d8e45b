package dev.netsvc.core;

import java.time.Duration;
import java.util.List;

/**
 * A started service. {@link NetService#start} returns it once every socket is bound, so the supervisor
 * can log the real addresses (port 0 becomes the port the system chose).
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
}
