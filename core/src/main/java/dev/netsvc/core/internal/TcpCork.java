package dev.netsvc.core.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
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
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    private static final Native NATIVE = Native.lookUp();

    static {
        // said once: the class is initialised by the first file sent, or a test
        if (NATIVE == null && LINUX) {
            LOG.info("files are sent without TCP_CORK, in more packets than they need: setting it takes Java 22 or later "
                    + "and the JVM options --enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED "
                    + "(bin/netsvc run passes them); this JVM is Java {}", Runtime.version().feature());
        }
    }

    private TcpCork() {
    }

    /** Whether {@link #set} takes effect here. */
    public static boolean available() {
        return NATIVE != null;
    }

    /**
     * Turns the cork on or off; returns whether the socket took it. Never throws: a socket that is
     * closed, or a platform without the cork, only sends in more segments.
     */
    public static boolean set(SocketChannel channel, boolean on) {
        if (NATIVE == null) {
            return false;
        }
        try {
            int fd = (int) NATIVE.fdOf.invokeExact(channel);
            return (int) NATIVE.setsockopt.invokeExact(fd, IPPROTO_TCP, TCP_CORK, on ? NATIVE.one : NATIVE.zero, 4) == 0;
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
        if (NATIVE == null) {
            return Optional.empty();
        }
        try {
            int fd = (int) NATIVE.fdOf.invokeExact(channel);
            NATIVE.setInt.invokeExact(NATIVE.value, 0);
            NATIVE.setInt.invokeExact(NATIVE.length, 4);
            int rc = (int) NATIVE.getsockopt.invokeExact(fd, IPPROTO_TCP, TCP_CORK, NATIVE.value, NATIVE.length);
            return rc == 0 ? Optional.of((int) NATIVE.getInt.invokeExact(NATIVE.value) != 0) : Optional.empty();
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /**
     * The handles, or null where the platform or the JVM's options do not allow them. Native memory is
     * typed {@code Object} here: {@code MemorySegment} cannot be named in code compiled for Java 21.
     */
    private record Native(MethodHandle fdOf, MethodHandle setsockopt, MethodHandle getsockopt, MethodHandle setInt,
                          MethodHandle getInt, Object one, Object zero, Object value, Object length) {

        static Native lookUp() {
            if (!LINUX) {
                return null;
            }
            try {
                // without --enable-native-access the JVM would warn on the first call (Java 22-25) or refuse it
                if (!(boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(TcpCork.class.getModule())) {
                    return null;
                }
                MethodHandles.Lookup lookup = MethodHandles.lookup(); // ours: sun.nio.ch is exported to this module only
                // the channel's descriptor: SocketChannelImpl implements sun.nio.ch.SelChImpl.getFDVal()
                MethodHandle fdOf = lookup.findVirtual(Class.forName("sun.nio.ch.SelChImpl"), "getFDVal",
                        MethodType.methodType(int.class)).asType(MethodType.methodType(int.class, SocketChannel.class));

                Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
                Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> intLayoutClass = Class.forName("java.lang.foreign.ValueLayout$OfInt");
                Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
                Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
                Object javaInt = valueLayout.getField("JAVA_INT").get(null);
                Object address = valueLayout.getField("ADDRESS").get(null);
                // int setsockopt(int fd, int level, int name, const void *value, socklen_t length)
                MethodHandle setsockopt = downcall(linker, "setsockopt", javaInt, javaInt, javaInt, javaInt, address, javaInt);
                // int getsockopt(int fd, int level, int name, void *value, socklen_t *length)
                MethodHandle getsockopt = downcall(linker, "getsockopt", javaInt, javaInt, javaInt, javaInt, address, address);

                MethodHandle setInt = MethodHandles.insertArguments(lookup.findVirtual(segmentClass, "set",
                                MethodType.methodType(void.class, intLayoutClass, long.class, int.class)), 1, javaInt, 0L)
                        .asType(MethodType.methodType(void.class, Object.class, int.class));
                MethodHandle getInt = MethodHandles.insertArguments(lookup.findVirtual(segmentClass, "get",
                                MethodType.methodType(int.class, intLayoutClass, long.class)), 1, javaInt, 0L)
                        .asType(MethodType.methodType(int.class, Object.class));
                Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
                Object arena = arenaClass.getMethod("global").invoke(null);
                java.lang.reflect.Method allocate = arenaClass.getMethod("allocate", long.class, long.class);
                Object one = allocate.invoke(arena, 4L, 4L);
                Object zero = allocate.invoke(arena, 4L, 4L);
                setInt.invoke(one, 1);
                setInt.invoke(zero, 0);
                return new Native(fdOf, setsockopt, getsockopt, setInt, getInt, one, zero,
                        allocate.invoke(arena, 4L, 4L), allocate.invoke(arena, 4L, 4L));
            } catch (Throwable e) {
                return null; // Java 21, no native access, sun.nio.ch not exported: send without the cork
            }
        }

        /** {@code int name(...)} from the C library, its pointer arguments typed {@code Object}. */
        private static MethodHandle downcall(Object linker, String name, Object result, Object... arguments)
                throws ReflectiveOperationException {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Object symbols = linkerClass.getMethod("defaultLookup").invoke(linker);
            Object symbol = ((Optional<?>) Class.forName("java.lang.foreign.SymbolLookup").getMethod("find", String.class)
                    .invoke(symbols, name)).orElseThrow();
            Object layouts = Array.newInstance(layoutClass, arguments.length);
            for (int i = 0; i < arguments.length; i++) {
                Array.set(layouts, i, arguments[i]);
            }
            Object descriptor = descriptorClass.getMethod("of", layoutClass, layouts.getClass()).invoke(null, result, layouts);
            MethodHandle handle = (MethodHandle) linkerClass.getMethod("downcallHandle", Class.forName("java.lang.foreign.MemorySegment"),
                    descriptorClass, optionClass.arrayType()).invoke(linker, symbol, descriptor, Array.newInstance(optionClass, 0));
            MethodType type = handle.type();
            for (int i = 0; i < type.parameterCount(); i++) {
                if (!type.parameterType(i).isPrimitive()) {
                    type = type.changeParameterType(i, Object.class);
                }
            }
            return handle.asType(type);
        }
    }
}
