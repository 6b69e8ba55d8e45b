package dev.netsvc.http;

/**
 * A message that breaks the protocol or a limit. On the server it carries the status to answer with;
 * the connection always closes afterwards, because after a framing error nothing that follows can be
 * trusted. The client turns it into "malformed response" messages.
 *
 * <p>No stack trace: these are expected outcomes of bad input, and a flood of them must stay cheap.
 */
final class HttpException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Status status;

    HttpException(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static HttpException badRequest(String message) {
        return new HttpException(Status.BAD_REQUEST, message);
    }

    Status status() {
        return status;
    }
}
