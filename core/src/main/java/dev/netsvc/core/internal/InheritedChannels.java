package dev.netsvc.core.internal;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.Optional;

/**
 * The JDK's channels around sockets this process did not open: a listening TCP socket or a UDP socket
 * that the service manager passed in as a file descriptor (systemd's {@code LISTEN_FDS}). The JDK has
 * no public way to do that but {@link System#inheritedChannel()}, which covers descriptor 0 only, and
 * no NIO.2 channel can be made around a descriptor at all. So each method opens a fresh channel of the
 * socket's kind and family, puts the inherited socket in the place of its own with {@code dup2} (through
 * {@link NativeCalls}), closes the inherited descriptor and marks the channel bound to the socket's address,
 * the one field the JDK keeps about it. That field is private: it needs
 * {@code --add-opens=java.base/sun.nio.ch=ALL-UNNAMED}, which {@code bin/netsvc run} passes; without it
 * {@link #get()} is empty.
 */
public final class InheritedChannels {

    private static final InheritedChannels INSTANCE = lookUp();

    private final NativeCalls calls;
    private final Method fdOf; // SelChImpl.getFD()
    private final Method fdVal; // IOUtil.fdVal(FileDescriptor)
    private final Method localAddressOf; // Net.localAddress(FileDescriptor)
    private final Field serverSocketLocal;
    private final Field datagramLocal;
    private final Field asyncFd;
    private final Field asyncLocal;

    private InheritedChannels(NativeCalls calls, Method fdOf, Method fdVal, Method localAddressOf,
                              Field serverSocketLocal, Field datagramLocal, Field asyncFd, Field asyncLocal) {
        this.calls = calls;
        this.fdOf = fdOf;
        this.fdVal = fdVal;
        this.localAddressOf = localAddressOf;
        this.serverSocketLocal = serverSocketLocal;
        this.datagramLocal = datagramLocal;
        this.asyncFd = asyncFd;
        this.asyncLocal = asyncLocal;
    }

    /** The adoption, where this JVM allows it (Java 22+ with native access, {@code sun.nio.ch} opened). */
    public static Optional<InheritedChannels> get() {
        return Optional.ofNullable(INSTANCE);
    }

    /** Why {@link #get()} is empty, for the one line a caller says. */
    public static String whyNot() {
        if (NativeCalls.get().isEmpty()) {
            return NativeCalls.whyNot();
        }
        return "it takes the JVM option --add-opens=java.base/sun.nio.ch=ALL-UNNAMED (bin/netsvc run passes it)";
    }

    private static InheritedChannels lookUp() {
        NativeCalls calls = NativeCalls.get().orElse(null);
        if (calls == null) {
            return null;
        }
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
            Class<?> net = Class.forName("sun.nio.ch.Net");
            Field serverSocketLocal = Class.forName("sun.nio.ch.ServerSocketChannelImpl").getDeclaredField("localAddress");
            Field datagramLocal = Class.forName("sun.nio.ch.DatagramChannelImpl").getDeclaredField("localAddress");
            Class<?> async = Class.forName("sun.nio.ch.AsynchronousServerSocketChannelImpl");
            Field asyncFd = async.getDeclaredField("fd");
            Field asyncLocal = async.getDeclaredField("localAddress");
            Method fdOf = selCh.getMethod("getFD");
            Method fdVal = ioUtil.getMethod("fdVal", FileDescriptor.class);
            Method localAddressOf = net.getMethod("localAddress", FileDescriptor.class);
            for (var member : new java.lang.reflect.AccessibleObject[] {serverSocketLocal, datagramLocal, asyncFd, asyncLocal,
                    fdOf, fdVal, localAddressOf}) {
                member.setAccessible(true); // throws unless sun.nio.ch is opened to us
            }
            return new InheritedChannels(calls, fdOf, fdVal, localAddressOf, serverSocketLocal, datagramLocal, asyncFd, asyncLocal);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not opened, or another JDK's insides: callers say so and do without
        }
    }

    /** The listening TCP socket {@code fd} as a {@link ServerSocketChannel} (blocking, as the JDK opens its own). */
    public ServerSocketChannel serverSocket(int fd, StandardProtocolFamily family) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(family);
        return adopt(fd, channel, fdOf(channel), serverSocketLocal);
    }

    /** The bound UDP socket {@code fd} as a {@link DatagramChannel} (blocking, as the JDK opens its own). */
    public DatagramChannel datagram(int fd, StandardProtocolFamily family) throws IOException {
        DatagramChannel channel = DatagramChannel.open(family);
        return adopt(fd, channel, fdOf(channel), datagramLocal);
    }

    /**
     * The listening socket of {@code listening} (which this closes) as an NIO.2 channel of {@code group}. The
     * socket is made non-blocking, as the JDK makes the sockets of its NIO.2 channels.
     */
    public AsynchronousServerSocketChannel asyncServerSocket(ServerSocketChannel listening, AsynchronousChannelGroup group)
            throws IOException {
        listening.configureBlocking(false); // the flag belongs to the socket, shared by both descriptors
        int from = calls.dup(intOf(fdOf(listening)));
        if (from < 0) {
            throw new IOException("dup of the listening socket failed (too many open files?)");
        }
        listening.close();
        AsynchronousServerSocketChannel channel = AsynchronousServerSocketChannel.open(group);
        try {
            return adopt(from, channel, (FileDescriptor) asyncFd.get(channel), asyncLocal);
        } catch (IllegalAccessException e) {
            throw new IOException(e);
        }
    }

    // Puts socket fd in the place of the channel's own (descriptor own), closes fd, marks the channel bound
    private <C extends Channel> C adopt(int fd, C channel, FileDescriptor own, Field local) throws IOException {
        try {
            int to = intOf(own);
            if (calls.dup2(fd, to) != to) {
                throw new IOException("dup2(" + fd + ", " + to + ") failed");
            }
            calls.close(fd);
            local.set(channel, (InetSocketAddress) localAddressOf.invoke(null, own));
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw e;
        } catch (ReflectiveOperationException | RuntimeException e) {
            closeQuietly(channel);
            throw new IOException("descriptor " + fd + " cannot be adopted: " + e, e);
        }
    }

    private int intOf(FileDescriptor fd) throws IOException {
        try {
            return (int) fdVal.invoke(null, fd);
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }

    private FileDescriptor fdOf(Channel channel) throws IOException {
        try {
            return (FileDescriptor) fdOf.invoke(channel);
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the adoption's own error says what went wrong
        }
    }
}
