package dev.netsvc.launcher.control;

/** The exit status of every netsvc command, and of a request to a running host. */
public final class ExitStatus {

    public static final int OK = 0;
    /** A runtime failure: the message names the service, the address and the cause. */
    public static final int FAILURE = 1;
    /** A usage or configuration error: the message names the option or key and what would be valid. */
    public static final int USAGE = 2;

    private ExitStatus() {
    }
}
