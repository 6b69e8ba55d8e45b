package dev.netsvc.http;

import java.nio.ByteBuffer;

/**
 * A pure HTTP/1.1 request parser (RFC 9112): bytes in; "need more", a {@link Request}, or an
 * {@link HttpException} carrying the status out. It never blocks and never buffers: it reads from the
 * caller's buffer, consuming what it has parsed, so requests pipelined in one buffer come out one by one.
 * <pre>
 *   REQUEST_LINE ──► HEADERS ──empty line──► BODY (Content-Length) ──► request
 *        ▲  (empty lines                 ├──► CHUNKED (chunked body) ──► request
 *        │   before it are skipped)      └──► request (no body)
 *        └───────────────────── next request ◄──────────────────────┘
 * </pre>
 * Each limit is checked as soon as it is exceeded, before the rest arrives: request line (414), header
 * section and header count (431), body (413). The body is consumed and discarded, so the next request
 * on the connection parses.
 */
final class RequestParser {

    /** Limits in bytes, except {@code maxHeaders}, a count. */
    record Limits(int maxRequestLine, int maxHeaderSize, int maxHeaders, long maxBody) {
    }

    private enum State { REQUEST_LINE, HEADERS, BODY, CHUNKED }

    /** Empty lines tolerated before a request line (RFC 9112 §2.2 asks for at least one). */
    private static final int MAX_EMPTY_LINES = 4;

    private final Limits limits;
    private final LineScanner lines = new LineScanner();
    private State state = State.REQUEST_LINE;
    private boolean started;

    // the request being parsed
    private String line;
    private Method method;
    private Version version;
    private RequestTarget target;
    private int emptyLines;
    private int headerBytes;
    private int headerCount;
    private boolean hostSeen;
    private long contentLength;
    private boolean close;
    private boolean keepAlive;
    private String ifNoneMatch;
    private String ifModifiedSince;
    private String referer;
    private String userAgent;
    private final TransferCodings codings = new TransferCodings();
    private long bodyLeft;
    private ChunkedBody chunked;

    private final boolean keepLogHeaders;

    RequestParser(Limits limits) {
        this(limits, false);
    }

    /** @param keepLogHeaders keep Referer and User-Agent (the combined access log wants them) */
    RequestParser(Limits limits, boolean keepLogHeaders) {
        this.limits = limits;
        this.keepLogHeaders = keepLogHeaders;
        clear();
    }

    /**
     * Parses from {@code in} (a heap buffer in read mode, array offset 0), advancing its position over
     * what it consumed.
     *
     * @return the next complete request, or null when {@code in} holds no complete request yet
     * @throws HttpException when the input breaks the protocol or a limit; the connection must close
     */
    Request parse(ByteBuffer in) throws HttpException {
        while (true) {
            switch (state) {
                case REQUEST_LINE -> {
                    started |= in.hasRemaining();
                    int lf = lines.find(in, limits.maxRequestLine(), Status.URI_TOO_LONG, "request line");
                    if (lf < 0) {
                        return null;
                    }
                    int from = in.position();
                    in.position(lf + 1);
                    if (from == lf - 1) {
                        if (++emptyLines > MAX_EMPTY_LINES) {
                            throw HttpException.badRequest("too many empty lines before the request line");
                        }
                        continue;
                    }
                    requestLine(in.array(), from, lf - 1);
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    int budget = Math.max(0, limits.maxHeaderSize() - headerBytes - 2);
                    int lf = lines.find(in, budget, Status.HEADERS_TOO_LARGE, "header section");
                    if (lf < 0) {
                        return null;
                    }
                    int from = in.position();
                    in.position(lf + 1);
                    if (from == lf - 1) {
                        Request complete = endOfHeaders();
                        if (complete != null) {
                            return complete;
                        }
                        continue;
                    }
                    if (++headerCount > limits.maxHeaders()) {
                        throw new HttpException(Status.HEADERS_TOO_LARGE, "more than " + limits.maxHeaders() + " header fields");
                    }
                    headerBytes += lf + 1 - from;
                    field(in.array(), from, lf - 1);
                }
                case BODY -> {
                    int n = (int) Math.min(bodyLeft, in.remaining());
                    in.position(in.position() + n);
                    bodyLeft -= n;
                    if (bodyLeft > 0) {
                        return null;
                    }
                    return finish();
                }
                case CHUNKED -> {
                    long n;
                    while ((n = chunked.next(in)) > 0) {
                        in.position(in.position() + (int) n);
                    }
                    if (n == 0) {
                        return null;
                    }
                    return finish();
                }
            }
        }
    }

    /** Whether part of a request has arrived (a timeout now deserves a 408, not a silent close). */
    boolean inProgress() {
        return started;
    }

    /** The request line of the request being parsed, or null before it is complete (for the access log). */
    String requestLine() {
        return line;
    }

    /** The method of the request being parsed, or null before it is known. */
    Method method() {
        return method;
    }

    private void requestLine(byte[] a, int from, int to) throws HttpException {
        line = HttpBytes.text(a, from, to);
        int sp1 = indexOf(a, from, to, HttpBytes.SP);
        int sp2 = sp1 < 0 ? -1 : indexOf(a, sp1 + 1, to, HttpBytes.SP);
        if (sp1 <= from || sp2 < 0 || sp2 == sp1 + 1) {
            throw HttpException.badRequest("request line is not METHOD SP TARGET SP VERSION");
        }
        version = Version.parse(a, sp2 + 1, to);
        for (int i = from; i < sp1; i++) {
            if (!HttpBytes.isToken(a[i])) {
                throw HttpException.badRequest("invalid character in method");
            }
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            if (!HttpBytes.isVisible(a[i])) {
                throw HttpException.badRequest("invalid character in request target");
            }
        }
        method = Method.find(a, from, sp1);
        if (method == null) {
            throw new HttpException(Status.NOT_IMPLEMENTED, "unknown method '" + HttpBytes.text(a, from, sp1) + "'");
        }
        target = method.isImplemented() ? RequestTarget.parse(a, sp1 + 1, sp2) : null;
    }

    private void field(byte[] a, int from, int to) throws HttpException {
        int colon = HttpBytes.fieldColon(a, from, to);
        int vFrom = HttpBytes.skipWhitespace(a, colon + 1, to);
        int vTo = HttpBytes.trimWhitespace(a, vFrom, to);
        switch (colon - from) {
            case 4 -> {
                if (HttpBytes.equalsIgnoreCase(a, from, colon, "host")) {
                    host(a, vFrom, vTo);
                }
            }
            case 7 -> {
                if (keepLogHeaders && referer == null && HttpBytes.equalsIgnoreCase(a, from, colon, "referer")) {
                    referer = HttpBytes.text(a, vFrom, vTo);
                }
            }
            case 10 -> {
                if (HttpBytes.equalsIgnoreCase(a, from, colon, "connection")) {
                    connection(a, vFrom, vTo);
                } else if (keepLogHeaders && userAgent == null && HttpBytes.equalsIgnoreCase(a, from, colon, "user-agent")) {
                    userAgent = HttpBytes.text(a, vFrom, vTo);
                }
            }
            case 13 -> {
                if (HttpBytes.equalsIgnoreCase(a, from, colon, "if-none-match")) {
                    String value = HttpBytes.text(a, vFrom, vTo);
                    ifNoneMatch = ifNoneMatch == null ? value : ifNoneMatch + ", " + value;
                }
            }
            case 14 -> {
                if (HttpBytes.equalsIgnoreCase(a, from, colon, "content-length")) {
                    contentLength(a, vFrom, vTo);
                }
            }
            case 17 -> {
                if (HttpBytes.equalsIgnoreCase(a, from, colon, "transfer-encoding")) {
                    codings.add(a, vFrom, vTo);
                } else if (HttpBytes.equalsIgnoreCase(a, from, colon, "if-modified-since")) {
                    ifModifiedSince = HttpBytes.text(a, vFrom, vTo);
                }
            }
            default -> {
                // a field this server has no use for: its syntax was checked, that is all
            }
        }
    }

    private void host(byte[] a, int from, int to) throws HttpException {
        if (hostSeen) {
            throw HttpException.badRequest("more than one Host header");
        }
        hostSeen = true;
        if (!HostSyntax.isValid(a, from, to)) {
            throw HttpException.badRequest("invalid Host header");
        }
    }

    private void connection(byte[] a, int from, int to) throws HttpException {
        HttpBytes.forEachElement(a, from, to, (b, eFrom, eTo) -> {
            close |= HttpBytes.equalsIgnoreCase(b, eFrom, eTo, "close");
            keepAlive |= HttpBytes.equalsIgnoreCase(b, eFrom, eTo, "keep-alive");
        });
    }

    /** {@code Content-Length}: digits; a list or repeated field only if every value agrees, none empty. */
    private void contentLength(byte[] a, int from, int to) throws HttpException {
        HttpBytes.forEachElement(a, from, to, (b, eFrom, eTo) -> {
            long value = HttpBytes.parseDecimal(b, eFrom, eTo);
            if (value < 0) {
                throw HttpException.badRequest("invalid Content-Length");
            }
            if (contentLength >= 0 && contentLength != value) {
                throw HttpException.badRequest("conflicting Content-Length values");
            }
            contentLength = value;
        });
    }

    /** Checks the framing (RFC 9112 §6.3) and returns the request if it has no body, else null. */
    private Request endOfHeaders() throws HttpException {
        if (!hostSeen && version == Version.HTTP_1_1) {
            throw HttpException.badRequest("missing Host header");
        }
        if (codings.present()) {
            if (version == Version.HTTP_1_0) {
                throw HttpException.badRequest("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (contentLength >= 0) {
                throw HttpException.badRequest("both Transfer-Encoding and Content-Length");
            }
            codings.check();
            chunked = new ChunkedBody(limits.maxBody(), limits.maxRequestLine(), limits.maxHeaderSize());
            state = State.CHUNKED;
            return null;
        }
        if (contentLength > limits.maxBody()) {
            throw new HttpException(Status.CONTENT_TOO_LARGE, "body of " + contentLength + " bytes is longer than "
                    + limits.maxBody());
        }
        if (contentLength > 0) {
            bodyLeft = contentLength;
            state = State.BODY;
            return null;
        }
        return finish();
    }

    private Request finish() {
        boolean persistent = !close && (version == Version.HTTP_1_1 || keepAlive);
        Request request = new Request(method, version, line, target, persistent, ifNoneMatch, ifModifiedSince,
                referer, userAgent);
        clear();
        return request;
    }

    private void clear() {
        state = State.REQUEST_LINE;
        started = false;
        line = null;
        method = null;
        version = null;
        target = null;
        emptyLines = 0;
        headerBytes = 0;
        headerCount = 0;
        hostSeen = false;
        contentLength = -1;
        close = false;
        keepAlive = false;
        ifNoneMatch = null;
        ifModifiedSince = null;
        referer = null;
        userAgent = null;
        codings.clear();
        bodyLeft = 0;
        chunked = null;
        lines.reset();
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
