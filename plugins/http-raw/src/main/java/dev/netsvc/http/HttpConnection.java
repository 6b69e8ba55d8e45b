package dev.netsvc.http;

import java.nio.ByteBuffer;

/**
 * The protocol side of one connection, whatever moves its bytes: the transport hands over what it
 * received, and gets back the responses to write and what to do next. Requests are answered in order;
 * the responses to pipelined requests are gathered until {@link #FLUSH_AT} bytes, so a client that
 * pipelines without reading cannot make the server buffer without end.
 */
final class HttpConnection {

    /** What the transport does after {@link #receive}. */
    enum Next {
        /** Write the outbox (if anything), then read more input. */
        READ,
        /** Write the outbox, then call {@link #receive} again with the input that is left. */
        WRITE,
        /** Write the outbox, then close. */
        CLOSE
    }

    /** Responses gathered before they must be written. */
    static final int FLUSH_AT = 64 * 1024;

    private final FileServer server;
    private final RequestParser parser;
    private final Client remote;

    HttpConnection(FileServer server, RequestParser.Limits limits, Client remote) {
        this.server = server;
        this.parser = new RequestParser(limits, server.wantsLogHeaders());
        this.remote = remote;
    }

    /** Answers every complete request in {@code in} (a heap buffer in read mode), appending to {@code out}. */
    Next receive(ByteBuffer in, Outbox out) {
        while (out.size() < FLUSH_AT) {
            Request request;
            try {
                request = parser.parse(in);
            } catch (HttpException e) {
                server.fail(e, parser.requestLine(), parser.method() == Method.HEAD, out, remote);
                return Next.CLOSE;
            }
            if (request == null) {
                return Next.READ;
            }
            if (!server.respond(request, out, remote)) {
                return Next.CLOSE;
            }
        }
        return Next.WRITE;
    }

    /** Whether part of a request has arrived: its deadline runs, and a timeout deserves a 408. */
    boolean inProgress(ByteBuffer in) {
        return parser.inProgress() || in.hasRemaining();
    }

    /** The request did not arrive in time: answers 408 if one had begun. The connection then closes. */
    void timedOut(ByteBuffer in, Outbox out) {
        if (inProgress(in)) {
            server.fail(new HttpException(Status.REQUEST_TIMEOUT, "the request did not arrive in time"),
                    parser.requestLine(), parser.method() == Method.HEAD, out, remote);
        }
    }
}
