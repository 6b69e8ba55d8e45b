package dev.netsvc.http;

import java.nio.charset.StandardCharsets;

/** The response statuses this server sends, each with its status line encoded once. */
enum Status {
    OK(200, "OK"),
    MOVED_PERMANENTLY(301, "Moved Permanently"),
    NOT_MODIFIED(304, "Not Modified"),
    BAD_REQUEST(400, "Bad Request"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not Found"),
    METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
    REQUEST_TIMEOUT(408, "Request Timeout"),
    CONTENT_TOO_LARGE(413, "Content Too Large"),
    URI_TOO_LONG(414, "URI Too Long"),
    HEADERS_TOO_LARGE(431, "Request Header Fields Too Large"),
    INTERNAL_ERROR(500, "Internal Server Error"),
    NOT_IMPLEMENTED(501, "Not Implemented"),
    VERSION_NOT_SUPPORTED(505, "HTTP Version Not Supported");

    private final int code;
    private final String reason;
    private final byte[] statusLine;

    Status(int code, String reason) {
        this.code = code;
        this.reason = reason;
        this.statusLine = ("HTTP/1.1 " + code + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    int code() {
        return code;
    }

    String reason() {
        return reason;
    }

    /** {@code HTTP/1.1 200 OK\r\n}; do not modify. */
    byte[] statusLine() {
        return statusLine;
    }

    @Override
    public String toString() {
        return code + " " + reason;
    }
}
