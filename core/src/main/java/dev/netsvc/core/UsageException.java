package dev.netsvc.core;

/** The command line is wrong; the launcher prints the message and the usage, and exits with status 2. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
