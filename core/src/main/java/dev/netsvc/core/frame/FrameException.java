package dev.netsvc.core.frame;

import dev.netsvc.core.Counter;
import dev.netsvc.core.Counters;

import java.io.IOException;

/**
 * The input is not a sequence of frames the {@link Framing} accepts: a frame longer than its limit, or
 * input that ended inside a frame. The message says which, in plain words ("line longer than 1024
 * bytes"). Core's engines close the connection that sent it, count it ({@code tcp.connections.input-limit}
 * or {@code tcp.connections.malformed}) and log it quietly: a client's bad input is not the server's fault.
 */
public final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the input. */
    public enum Reason {
        /** A frame, or the announcement of one, is longer than the framing's limit. */
        TOO_LONG,
        /** The input cannot be frames: it ended inside a frame, or a datagram is not exactly one frame. */
        MALFORMED
    }

    private final Reason reason;

    public FrameException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** What a TCP connection closed for it counts in: {@code tcp.connections.input-limit} or {@code .malformed}. */
    public Counter tcpCounter() {
        return reason == Reason.TOO_LONG ? Counters.TCP_INPUT_LIMIT : Counters.TCP_MALFORMED;
    }
}
