package dev.netsvc.http;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Latencies;
import dev.netsvc.core.ServiceCounters;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers requests with files from the {@link DocumentRoot}: GET and HEAD (200, 304, 301 to add a
 * slash, 403, 404), 405 for the other methods, and the error response for an {@link HttpException}.
 * It writes responses into an {@link Outbox} and logs each one; it is shared by every connection.
 */
final class FileServer {

    private static final byte[] SERVER = HttpBytes.ascii("Server: netsvc\r\n");
    private static final byte[] CLOSE = HttpBytes.ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = HttpBytes.ascii("Connection: keep-alive\r\n");
    private static final byte[] ALLOW = HttpBytes.ascii("Allow: GET, HEAD\r\n");
    private static final byte[] TEXT = HttpBytes.ascii("Content-Type: text/plain; charset=utf-8\r\n"
            + "X-Content-Type-Options: nosniff\r\n");
    private static final byte[] CRLF = HttpBytes.ascii("\r\n");
    private static final byte[] NONE = new byte[0];

    private final DocumentRoot root;
    private final DateCache dates;
    private final AccessLog accessLog;
    private final LongAdder requests;
    private final Latencies durations;
    private final LongAdder[] byClass = new LongAdder[6];

    private final long sendfileThreshold;

    FileServer(DocumentRoot root, DateCache dates, AccessLog accessLog, long sendfileThreshold, ServiceCounters counters) {
        this.root = root;
        this.sendfileThreshold = sendfileThreshold;
        this.dates = dates;
        this.accessLog = accessLog;
        this.requests = counters.counter(Counters.HTTP_REQUESTS);
        this.durations = counters.histogram(Counters.TCP_REQUEST_SECONDS);
        for (int c = 2; c < byClass.length; c++) { // this server sends no 1xx
            byClass[c] = counters.counter(Counters.HTTP_RESPONSES.member(c + "xx"));
        }
    }

    /** Whether requests must keep Referer and User-Agent for the access log. */
    boolean wantsLogHeaders() {
        return accessLog.wantsHeaders();
    }

    /** The access log, for the transports' outboxes. */
    AccessLog accessLog() {
        return accessLog;
    }

    private volatile boolean draining;

    /**
     * The service is stopping: every response from now on says {@code Connection: close} and ends its
     * connection, so a keep-alive client finishes its exchange and reconnects (to a new version of the
     * plugin, during a replacement) instead of having its connection cut under a request.
     */
    void drain() {
        draining = true;
    }

    /**
     * Appends the response to {@code request}; returns whether the connection stays open. Its time, from
     * the whole request to its response queued, goes into {@code tcp.request.seconds}.
     */
    boolean respond(Request request, Outbox out, Client remote) {
        long start = System.nanoTime();
        try {
            return answer(request, out, remote);
        } finally {
            durations.recordNanos(System.nanoTime() - start);
        }
    }

    private boolean answer(Request request, Outbox out, Client remote) {
        requests.increment();
        long now = dates.now();
        boolean keepAlive = request.keepAlive() && !draining;
        if (!request.method().isImplemented()) {
            long bytes = text(out, now, Status.METHOD_NOT_ALLOWED, keepAlive, request, ALLOW, "only GET and HEAD are allowed");
            return done(out, remote, request, now, Status.METHOD_NOT_ALLOWED, bytes, keepAlive);
        }
        DocumentRoot.Resource resource = root.find(request.target().path());
        return switch (resource) {
            case StaticFile file -> file(request, file, out, remote, now);
            case DocumentRoot.Outcome.ADD_SLASH -> {
                RequestTarget t = request.target();
                String location = t.rawPath() + "/" + (t.rawQuery() == null ? "" : "?" + t.rawQuery());
                long bytes = text(out, now, Status.MOVED_PERMANENTLY, keepAlive, request,
                        HttpBytes.ascii("Location: " + location + "\r\n"), "moved to " + location);
                yield done(out, remote, request, now, Status.MOVED_PERMANENTLY, bytes, keepAlive);
            }
            case DocumentRoot.Outcome.FORBIDDEN -> done(out, remote, request, now, Status.FORBIDDEN,
                    text(out, now, Status.FORBIDDEN, keepAlive, request, NONE, "the file is not readable"), keepAlive);
            case DocumentRoot.Outcome.NOT_FOUND -> done(out, remote, request, now, Status.NOT_FOUND,
                    text(out, now, Status.NOT_FOUND, keepAlive, request, NONE, "nothing here"), keepAlive);
        };
    }

    /**
     * The one error path: answers {@code failure} with its status and {@code Connection: close}. The
     * caller closes the connection once the outbox is written.
     *
     * @param requestLine the request line if it was received, for the access log
     * @param head        the request was a HEAD: the answer has no body
     */
    void fail(HttpException failure, String requestLine, boolean head, Outbox out, Client remote) {
        Status status = failure.status();
        long now = dates.now();
        long bytes = text(out, now, status, false, Version.HTTP_1_1, head, NONE, failure.getMessage());
        count(status);
        if (accessLog.enabled()) {
            out.log(entry(out, new AccessLog.Entry(remote.address(), remote.user(), requestLine, status.code(), null, null, now), bytes));
        }
    }

    private boolean file(Request request, StaticFile file, Outbox out, Client remote, long now) {
        boolean keepAlive = request.keepAlive() && !draining; // after a drain began, every response closes
        if (Conditional.notModified(request, file)) {
            head(out, Status.NOT_MODIFIED, keepAlive, request.version(), now);
            out.put(file.validators());
            out.put(CRLF);
            return done(out, remote, request, now, Status.NOT_MODIFIED, 0, keepAlive);
        }
        FileChannel channel = null;
        if (request.method() == Method.GET && file.body() == null && file.size() > 0) {
            try {
                channel = file.open();
            } catch (IOException e) {
                return done(out, remote, request, now, Status.NOT_FOUND,
                        text(out, now, Status.NOT_FOUND, keepAlive, request, NONE, "nothing here"), keepAlive);
            }
        }
        head(out, Status.OK, keepAlive, request.version(), now);
        out.put(file.entity());
        out.put(CRLF);
        if (request.method() == Method.HEAD) {
            return done(out, remote, request, now, Status.OK, 0, keepAlive);
        }
        if (channel != null) {
            out.put(channel, file.size(), file.size() > sendfileThreshold);
        } else if (file.body() != null) {
            out.put(file.body());
        }
        return done(out, remote, request, now, Status.OK, file.size(), keepAlive);
    }

    /** Status line, Server, Date and, where the default does not say it, Connection. */
    private void head(Outbox out, Status status, boolean keepAlive, Version version, long now) {
        out.put(status.statusLine());
        out.put(SERVER);
        out.put(dates.dateLine(now));
        if (!keepAlive) {
            out.put(CLOSE);
        } else if (version == Version.HTTP_1_0) {
            out.put(KEEP_ALIVE); // HTTP/1.0 closes unless told otherwise (ab -k waits for this)
        }
    }

    /** A short plain-text response; returns the body bytes written (none for HEAD). */
    private long text(Outbox out, long now, Status status, boolean keepAlive, Request request, byte[] headers, String message) {
        return text(out, now, status, keepAlive, request.version(), request.method() == Method.HEAD, headers, message);
    }

    private long text(Outbox out, long now, Status status, boolean keepAlive, Version version, boolean headRequest,
                      byte[] headers, String message) {
        // the message may quote the client's bytes: escaped, they cannot inject anything
        byte[] body = (status + ": " + AccessLogFormat.escape(message) + "\n").getBytes(StandardCharsets.US_ASCII);
        head(out, status, keepAlive, version, now);
        out.put(TEXT);
        out.put(headers);
        out.put(HttpBytes.ascii("Content-Length: " + body.length + "\r\n"));
        out.put(CRLF);
        if (headRequest) {
            return 0;
        }
        out.put(body);
        return body.length;
    }

    /** Counts the response and hands its log entry to the outbox, which logs it once it is sent. */
    private boolean done(Outbox out, Client remote, Request request, long now, Status status, long bodyBytes,
                         boolean keepAlive) {
        count(status);
        if (accessLog.enabled()) {
            out.log(entry(out, new AccessLog.Entry(remote.address(), remote.user(), request.line(), status.code(), request.referer(),
                    request.userAgent(), now), bodyBytes));
        }
        return keepAlive;
    }

    /** The body is the last thing put: it ends here. */
    private static AccessLog.Entry entry(Outbox out, AccessLog.Entry entry, long bodyBytes) {
        entry.bodyEnd = out.appended();
        entry.bodyStart = entry.bodyEnd - bodyBytes;
        return entry;
    }

    private void count(Status status) {
        byClass[status.code() / 100].increment();
    }
}
