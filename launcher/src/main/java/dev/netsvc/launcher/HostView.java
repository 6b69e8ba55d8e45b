package dev.netsvc.launcher;

import java.time.Instant;
import java.util.List;

/** What the admin endpoint and {@code netsvc status} read from a running host; safe from any thread. */
public interface HostView {

    /** The netsvc version, as {@code netsvc --version} prints it. */
    String version();

    /** When this host started. */
    Instant startedAt();

    /** Every service the host knows, enabled or not, in a stable order (by id). */
    List<ServiceStatus> services();
}
