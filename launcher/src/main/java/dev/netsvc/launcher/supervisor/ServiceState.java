package dev.netsvc.launcher.supervisor;

/** Where a supervised service is in its lifecycle; the names are what status, metrics and logs show. */
public enum ServiceState {
    STARTING, RUNNING, BACKOFF, FAILED, STOPPING, STOPPED;

    /** {@code backoff}: the word operators see. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
