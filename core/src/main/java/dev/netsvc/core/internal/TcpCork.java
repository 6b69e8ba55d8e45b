package dev.netsvc.core.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * Linux's {@code TCP_CORK} on a socket channel: while it is on, the kernel sends full segments only;
 * turning it off sends the rest at once. Around {@code sendfile} it keeps the kernel from sending the
 * tail of each 64 KiB piece that sendfile moves as a segment of its own (on loopback, 65536 - 65483 =
 * 53 bytes, every piece: a packet more each time; nginx's {@code tcp_nopush}).
 *
 * <p>Java has no way to set it (no {@code TCP_CORK} among the extended socket options, no
 * {@code MSG_MORE}), so {@code setsockopt} is called through the foreign function API. Core is compiled
 * for Java 21, where that API is a preview, so it is looked up reflectively, once. It needs Java 22+,
 * Linux, and a JVM started with {@code --enable-native-access=ALL-UNNAMED} and
 * {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED} (for the channel's descriptor), as
 * {@code bin/netsvc} starts it; without any of them {@link #available()} is false and
 * {@link #set} does nothing: files are sent all the same, in more segments.
 */
public final class TcpCork {

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CORK = 3;

    private static final Logger LOG = LoggerFactory.getLogger(TcpCork.class);
    private static final Calls CALLS = Calls.lookUp();

    static {
        // said once: the class is initialised by the first file sent, or a test
        if (CALLS == null && System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            LOG.info("files are sent without TCP_CORK, in more packets than they need: setting it {}", NativeCalls.whyNot());
        }
    }

    private TcpCork() {
    }

    /** Whether {@link #set} takes effect here. */
    public static boolean available() {
        return CALLS != null;
    }

    /**
     * Turns the cork on or off; returns whether the socket took it. Never throws: a socket that is
     * closed, or a platform without the cork, only sends in more segments.
     */
    public static boolean set(SocketChannel channel, boolean on) {
        if (CALLS == null) {
            return false;
        }
        try {
            int fd = CALLS.calls.descriptor(channel).orElse(-1);
            return fd >= 0 && (int) CALLS.setsockopt.invokeExact(fd, IPPROTO_TCP, TCP_CORK, on ? CALLS.one : CALLS.zero, 4) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * {@code file.transferTo(position, count, channel)} with the cork on: full segments only, and the
     * rest as the cork comes off when it returns.
     */
    public static long transferTo(FileChannel file, long position, long count, SocketChannel channel) throws IOException {
        boolean corked = set(channel, true);
        try {
            return file.transferTo(position, count, channel);
        } finally {
            if (corked) {
                set(channel, false);
            }
        }
    }

    /** Whether the cork is on (for tests); empty where it is not {@link #available()}. */
    public static synchronized Optional<Boolean> isSet(SocketChannel channel) {
        if (CALLS == null) {
            return Optional.empty();
        }
        try {
            int fd = CALLS.calls.descriptor(channel).orElse(-1);
            CALLS.calls.setInt(CALLS.value, 0, 0);
            CALLS.calls.setInt(CALLS.length, 0, 4);
            int rc = (int) CALLS.getsockopt.invokeExact(fd, IPPROTO_TCP, TCP_CORK, CALLS.value, CALLS.length);
            return rc == 0 ? Optional.of(CALLS.calls.getInt(CALLS.value, 0) != 0) : Optional.empty();
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /** setsockopt and getsockopt, and the ints they take; null where {@link NativeCalls} are not available. */
    private record Calls(NativeCalls calls, MethodHandle setsockopt, MethodHandle getsockopt, Object one, Object zero,
                         Object value, Object length) {

        static Calls lookUp() {
            NativeCalls calls = NativeCalls.get().orElse(null);
            if (calls == null || calls.descriptor(SocketChannelProbe.CHANNEL).isEmpty()) {
                return null;
            }
            try {
                // int setsockopt(int fd, int level, int name, const void *value, socklen_t length)
                MethodHandle setsockopt = calls.function("setsockopt", calls.cInt(), calls.cInt(), calls.cInt(), calls.cInt(),
                        calls.pointer(), calls.cInt());
                // int getsockopt(int fd, int level, int name, void *value, socklen_t *length)
                MethodHandle getsockopt = calls.function("getsockopt", calls.cInt(), calls.cInt(), calls.cInt(), calls.cInt(),
                        calls.pointer(), calls.pointer());
                Object one = calls.allocate(4);
                calls.setInt(one, 0, 1);
                Object zero = calls.allocate(4);
                calls.setInt(zero, 0, 0);
                return new Calls(calls, setsockopt, getsockopt, one, zero, calls.allocate(4), calls.allocate(4));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }

    /** An unconnected channel, to learn once whether channels' descriptors can be read (sun.nio.ch exported). */
    private static final class SocketChannelProbe {
        static final SocketChannel CHANNEL = open();

        private static SocketChannel open() {
            try {
                return SocketChannel.open();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
