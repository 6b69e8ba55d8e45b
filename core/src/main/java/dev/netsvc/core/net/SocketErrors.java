package dev.netsvc.core.net;

import dev.netsvc.core.internal.BindFailure;

import java.io.EOFException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.Locale;

/**
 * Turns socket failures into sentences a person can act on: what happened, where, and a hint. This is
 * the classic table of socket errors (EADDRINUSE, ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...) mapped from
 * the exceptions Java actually throws. The launcher and every client use it, so the same failure reads
 * the same everywhere.
 */
public final class SocketErrors {

    /** What kind of failure it was; tests and callers branch on this, never on message text. */
    public enum Kind {
        ADDRESS_IN_USE, ADDRESS_NOT_AVAILABLE, PERMISSION_DENIED, REFUSED, RESET, CLOSED, TIMED_OUT,
        /** Connected, then the peer said nothing in time: something listens, but does not answer us. */
        SILENT,
        HOST_NOT_FOUND, NETWORK_UNREACHABLE, HOST_UNREACHABLE, OTHER
    }

    /** A failure in plain words. {@link #toString()} gives both lines. */
    public record Explanation(Kind kind, String message, String hint) {
        @Override
        public String toString() {
            return hint.isEmpty() ? message : message + "\n  hint: " + hint;
        }
    }

    private SocketErrors() {
    }

    /**
     * Explains {@code failure}, which happened while talking to (or binding) {@code target}, a
     * {@code host:port} text; {@code target} may be null when unknown.
     */
    public static Explanation explain(Throwable failure, String target) {
        String where = target == null ? "" : " " + target;
        String text = detail(failure);
        String lower = text.toLowerCase(Locale.ROOT);

        if (failure instanceof BindFailure bind) {
            return explainBind(bind.address(), bind.transport().label(), bind.reason());
        }
        if (failure instanceof BindException) {
            return explainBind(null, "", text);
        }
        if (failure instanceof UnknownHostException) {
            // "HOST: reason", where HOST may hold colons itself (an IPv6 literal)
            String message = failure.getMessage() == null ? "?" : failure.getMessage();
            int colon = message.lastIndexOf(": ");
            String host = colon < 0 ? message : message.substring(0, colon);
            if (message.endsWith("invalid IPv6 address literal")) {
                return new Explanation(Kind.HOST_NOT_FOUND, "'" + host + "' is not an IPv6 address",
                        HostPort.bracketHint(host).orElse("an IPv6 address is up to eight groups of four hex digits, like ::1"));
            }
            return new Explanation(Kind.HOST_NOT_FOUND, "host '" + host + "' was not found",
                    "check the spelling; 'netsvc resolve " + host + "' shows what the resolver answers");
        }
        if (failure instanceof PortUnreachableException) {
            return new Explanation(Kind.REFUSED, "nothing is listening on udp" + where + " (ICMP port unreachable)",
                    "is the service running and on this port? 'netsvc list' shows the default ports");
        }
        if (failure instanceof ConnectException && lower.contains("refused")) {
            return new Explanation(Kind.REFUSED, "connection refused by" + where + ": nothing is listening on that port",
                    "is the service running, and are host and port right? 'netsvc list' shows the default ports");
        }
        if (failure instanceof NoRouteToHostException || lower.contains("no route to host")
                || lower.contains("host is unreachable")) {
            return new Explanation(Kind.HOST_UNREACHABLE, "no route to host" + where,
                    "the host is down or a firewall rejects the traffic");
        }
        if (lower.contains("network is unreachable")) {
            return new Explanation(Kind.NETWORK_UNREACHABLE, "network unreachable for" + where,
                    "this machine has no route to that network (is the interface up? IPv6 without an IPv6 route?)");
        }
        // a java.net.Socket says "Connect timed out" and "Read timed out": only the first means no connection
        if (failure instanceof SocketTimeoutException && lower.contains("read timed out")) {
            return new Explanation(Kind.SILENT, "connected to" + where + ", but it sent nothing within the timeout",
                    "the connection worked, so something listens there, but it did not answer: is it the service you"
                            + " meant ('netsvc list' shows the default ports)? A slow server needs a longer --timeout");
        }
        if (failure instanceof SocketTimeoutException
                || failure instanceof InterruptedByTimeoutException || lower.contains("timed out")) {
            return new Explanation(Kind.TIMED_OUT, "no answer from" + where + " in time",
                    "the host may be down, or a firewall drops the packets; try a longer --timeout");
        }
        if (lower.contains("connection reset") || lower.contains("broken pipe")) {
            return new Explanation(Kind.RESET, "the connection to" + where + " was reset by the other side",
                    "a netsvc server resets the clients its access rules refuse (only-from, no-access, the per-source"
                            + " and rate limits; its log names them: 'refused connections from ...'); else the peer"
                            + " crashed or closed without reading everything, or a firewall cut the connection");
        }
        if (failure instanceof EOFException || failure instanceof ClosedChannelException) {
            return new Explanation(Kind.CLOSED, "the connection to" + where + " closed before the reply was complete",
                    "the server ended the exchange early; it may not speak this protocol");
        }
        if (lower.contains("permission denied") || lower.contains("operation not permitted")) {
            return new Explanation(Kind.PERMISSION_DENIED, "permission denied for" + where + ": " + text, "");
        }
        String trimmed = where.isEmpty() ? text : target + ": " + text;
        return new Explanation(Kind.OTHER, trimmed, "");
    }

    private static Explanation explainBind(InetSocketAddress address, String transport, String reason) {
        String lower = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        String port = address == null ? "the port" : "port " + address.getPort();
        String on = address == null ? "" : " on " + HostPort.formatAddress(address.getAddress(), false);
        String proto = transport.isEmpty() ? "" : " (" + transport + ")";
        if (lower.contains("in use")) {
            return new Explanation(Kind.ADDRESS_IN_USE, port + on + " is already in use by another process" + proto,
                    "stop the other process ('ss -lntup' shows it) or choose another port");
        }
        if (lower.contains("permission denied") || lower.contains("access")) {
            return new Explanation(Kind.PERMISSION_DENIED, "no permission to bind " + port + on + proto,
                    "ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a port from 1024 up");
        }
        if (lower.contains("cannot assign") || lower.contains("not available")) {
            return new Explanation(Kind.ADDRESS_NOT_AVAILABLE, "cannot bind " + port + on + proto
                    + ": that address does not belong to this machine",
                    "use an address of one of this machine's interfaces, 0.0.0.0 or :: for all, 127.0.0.1 for loopback");
        }
        return new Explanation(Kind.OTHER, "cannot bind " + port + on + proto + ": " + reason, "");
    }

    // The most specific message in the cause chain (Java often wraps the errno text).
    private static String detail(Throwable failure) {
        Throwable t = failure;
        String message = null;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message != null ? message : failure.getClass().getSimpleName();
    }

    /** Socket exceptions that only mean "the peer went away"; servers log these quietly. */
    public static boolean isDisconnect(Throwable failure) {
        if (failure instanceof EOFException || failure instanceof ClosedChannelException) {
            return true;
        }
        if (!(failure instanceof SocketException) && !(failure instanceof java.io.IOException)) {
            return false;
        }
        String lower = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        return lower.contains("connection reset") || lower.contains("broken pipe")
                || lower.contains("socket closed") || lower.contains("connection abort")
                || lower.contains("socket is closed");
    }
}
