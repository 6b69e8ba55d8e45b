package dev.netsvc.launcher.systemd;

import dev.netsvc.core.internal.NativeCalls;

import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * systemd's notify socket ({@code NOTIFY_SOCKET}): a Unix datagram socket, by path or in the abstract
 * namespace ({@code @name}), each message one datagram. The JDK's Unix sockets are stream sockets only, so
 * {@code socket} and {@code sendto} are called through the foreign function API ({@link NativeCalls}).
 */
final class NotifySocket implements Notifier {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** {@code sizeof(struct sockaddr_un)}: a two-byte family and 108 bytes of path. */
    private static final int SOCKADDR_UN = 110;
    /** A message longer than this is cut (a status line at most): systemd reads up to a page. */
    static final int MOST = 4000;

    private final NativeCalls calls;
    private final MethodHandle sendto;
    private final int fd;
    private final Object address;
    private final int addressLength;
    private final Object buffer;

    private NotifySocket(NativeCalls calls, MethodHandle sendto, int fd, Object address, int addressLength) {
        this.calls = calls;
        this.sendto = sendto;
        this.fd = fd;
        this.address = address;
        this.addressLength = addressLength;
        this.buffer = calls.allocate(MOST);
    }

    /**
     * The socket at {@code where} ({@code /run/systemd/notify}, {@code @name}); fails with the reason in
     * words when it cannot be used (no native calls on this JVM, a kind of address netsvc does not know).
     */
    static NotifySocket open(String where) {
        NativeCalls calls = NativeCalls.get().orElseThrow(() -> new IllegalStateException(NativeCalls.whyNot()));
        byte[] path;
        if (where.startsWith("/")) {
            path = (where + "\0").getBytes(StandardCharsets.UTF_8);
        } else if (where.startsWith("@")) {
            path = ("\0" + where.substring(1)).getBytes(StandardCharsets.UTF_8); // abstract: no terminating NUL
        } else {
            throw new IllegalStateException("netsvc speaks to a Unix socket by path or @name only");
        }
        if (path.length > SOCKADDR_UN - 2) {
            throw new IllegalStateException("its path is longer than a Unix socket address holds");
        }
        try {
            MethodHandle socket = calls.function("socket", calls.cInt(), calls.cInt(), calls.cInt(), calls.cInt());
            // ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
            MethodHandle sendto = calls.function("sendto", calls.cLong(), calls.cInt(), calls.pointer(), calls.cLong(),
                    calls.cInt(), calls.pointer(), calls.cInt());
            int fd = (int) socket.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IllegalStateException("no Unix datagram socket could be made (too many open files?)");
            }
            Object address = calls.allocate(SOCKADDR_UN);
            calls.setBytes(address, 0, new byte[] {AF_UNIX, 0}); // sa_family_t, little-endian as on every platform netsvc runs
            calls.setBytes(address, 2, path);
            return new NotifySocket(calls, sendto, fd, address, 2 + path.length);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("the C library's socket calls cannot be reached: " + e, e);
        }
    }

    @Override
    public synchronized boolean send(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, MOST);
        calls.setBytes(buffer, 0, length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length));
        try {
            long sent = (long) sendto.invokeExact(fd, buffer, (long) length, MSG_NOSIGNAL, address, addressLength);
            return sent == length;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The socket's address as {@code NOTIFY_SOCKET} gave it, for messages. */
    static Optional<String> of(java.util.Map<String, String> env) {
        return Optional.ofNullable(env.get("NOTIFY_SOCKET")).filter(s -> !s.isEmpty());
    }
}
