package dev.netsvc.core;

import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;

import java.io.IOException;

/** A client failed in a way the user should read as is (exit status 1). */
public class ClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClientException(String message) {
        super(message);
    }

    public ClientException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A socket failure while talking to {@code target}, in plain words that name it, with a hint
     * ({@link SocketErrors}): "connection refused by 127.0.0.1:7: nothing is listening on that port".
     */
    public static ClientException explain(IOException failure, HostPort target) {
        return new ClientException(SocketErrors.explain(failure, target.toString()).toString(), failure);
    }
}
