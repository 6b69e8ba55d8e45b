package dev.netsvc.core.nio;

/** Why a connection of an {@link NioTcpServer} was closed; handed to {@link ConnectionHandler#onClosed}. */
public enum CloseReason {
    /** The handler closed it and its output was delivered (or the peer closed first). */
    COMPLETED,
    /** Neither input nor output progressed for the idle timeout. */
    IDLE_TIMEOUT,
    /**
     * The input exceeds what the protocol may buffer: the handler left a full read buffer unconsumed, or
     * threw a {@link dev.netsvc.core.frame.FrameException} for a frame longer than its limit.
     */
    INPUT_LIMIT,
    /** The peer reset the connection or vanished (ECONNRESET, EPIPE). */
    DISCONNECTED,
    /** The handler threw, or an unexpected I/O error happened; only this connection is closed. */
    FAILED,
    /** The handler called {@link Connection#abort()}. */
    ABORTED,
    /** The server stopped and the grace period ran out. */
    STOPPED,
    /** The handler threw a {@link dev.netsvc.core.frame.FrameException}: the input could not be framed. */
    MALFORMED
}
