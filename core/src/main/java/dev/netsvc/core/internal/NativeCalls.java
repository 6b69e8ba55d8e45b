package dev.netsvc.core.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.channels.Channel;
import java.util.List;
import java.util.Optional;

/**
 * Calls into the C library through the foreign function API, for the few things Java cannot do: set
 * {@code TCP_CORK}, read an inherited socket's type, send a datagram to systemd's notify socket. Core is
 * compiled for Java 21, where that API is a preview, so it is looked up reflectively, once; native memory
 * is typed {@code Object} here because {@code MemorySegment} cannot be named in code compiled for Java 21.
 *
 * <p>It needs Java 22+, Linux, and a JVM started with {@code --enable-native-access=ALL-UNNAMED} (and,
 * for a channel's descriptor, {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED}), as {@code
 * bin/netsvc run} starts it. Without them {@link #get()} is empty and each caller does without.
 */
public final class NativeCalls {

    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    private static final NativeCalls INSTANCE = lookUp();

    private final Object linker;
    private final Object javaInt;
    private final Object javaLong;
    private final Object address;
    private final Object arena;
    private final Method allocate;
    private final MethodHandle setInt;
    private final MethodHandle getInt;
    private final MethodHandle setByte;
    private final MethodHandle fdOf;

    private NativeCalls(Object linker, Object javaInt, Object javaLong, Object address, Object arena, Method allocate,
                        MethodHandle setInt, MethodHandle getInt, MethodHandle setByte, MethodHandle fdOf) {
        this.linker = linker;
        this.javaInt = javaInt;
        this.javaLong = javaLong;
        this.address = address;
        this.arena = arena;
        this.allocate = allocate;
        this.setInt = setInt;
        this.getInt = getInt;
        this.setByte = setByte;
        this.fdOf = fdOf;
    }

    /** The calls, where this platform and this JVM's options allow them. */
    public static Optional<NativeCalls> get() {
        return Optional.ofNullable(INSTANCE);
    }

    /** Why {@link #get()} is empty, for the one line a caller says about doing without. */
    public static String whyNot() {
        if (!LINUX) {
            return "it is Linux only";
        }
        return "it takes Java 22 or later and the JVM options --enable-native-access=ALL-UNNAMED"
                + " --add-exports=java.base/sun.nio.ch=ALL-UNNAMED (bin/netsvc run passes them); this JVM is Java "
                + Runtime.version().feature();
    }

    private static NativeCalls lookUp() {
        if (!LINUX) {
            return null;
        }
        try {
            // without --enable-native-access the JVM would warn on the first call (Java 22-25) or refuse it
            if (!(boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(NativeCalls.class.getModule())) {
                return null;
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> intLayoutClass = Class.forName("java.lang.foreign.ValueLayout$OfInt");
            Class<?> byteLayoutClass = Class.forName("java.lang.foreign.ValueLayout$OfByte");
            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object javaInt = valueLayout.getField("JAVA_INT").get(null);
            Object javaByte = valueLayout.getField("JAVA_BYTE").get(null);
            MethodHandle setInt = MethodHandles.insertArguments(lookup.findVirtual(segmentClass, "set",
                            MethodType.methodType(void.class, intLayoutClass, long.class, int.class)), 1, javaInt)
                    .asType(MethodType.methodType(void.class, Object.class, long.class, int.class));
            MethodHandle getInt = MethodHandles.insertArguments(lookup.findVirtual(segmentClass, "get",
                            MethodType.methodType(int.class, intLayoutClass, long.class)), 1, javaInt)
                    .asType(MethodType.methodType(int.class, Object.class, long.class));
            MethodHandle setByte = MethodHandles.insertArguments(lookup.findVirtual(segmentClass, "set",
                            MethodType.methodType(void.class, byteLayoutClass, long.class, byte.class)), 1, javaByte)
                    .asType(MethodType.methodType(void.class, Object.class, long.class, byte.class));
            Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
            MethodHandle fdOf;
            try { // a channel's descriptor: the JDK's channels implement sun.nio.ch.SelChImpl.getFDVal()
                fdOf = lookup.findVirtual(Class.forName("sun.nio.ch.SelChImpl"), "getFDVal", MethodType.methodType(int.class))
                        .asType(MethodType.methodType(int.class, Channel.class));
            } catch (ReflectiveOperationException | IllegalAccessError | RuntimeException e) {
                fdOf = null; // sun.nio.ch not exported to us: calls on a channel are not available
            }
            return new NativeCalls(linker, javaInt, valueLayout.getField("JAVA_LONG").get(null), valueLayout.getField("ADDRESS").get(null),
                    arenaClass.getMethod("global").invoke(null), arenaClass.getMethod("allocate", long.class, long.class),
                    setInt, getInt, setByte, fdOf);
        } catch (Throwable e) {
            return null; // Java 21, no native access: callers do without
        }
    }

    /** The layout of a C {@code int}, for {@link #function}. */
    public Object cInt() {
        return javaInt;
    }

    /** The layout of a C {@code long}. */
    public Object cLong() {
        return javaLong;
    }

    /** The layout of a C {@code short}. */
    public Object cShort() {
        try {
            return Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_SHORT").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The layout of a pointer. */
    public Object pointer() {
        return address;
    }

    /**
     * The C library's function {@code name} returning {@code result} and taking {@code arguments}
     * (layouts from {@link #cInt()}, {@link #cLong()}, {@link #pointer()}); a pointer argument is typed
     * {@code Object} (a segment from {@link #allocate}).
     */
    public MethodHandle function(String name, Object result, Object... arguments) throws ReflectiveOperationException {
        Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
        Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
        Object symbols = linkerClass.getMethod("defaultLookup").invoke(linker);
        Object symbol = ((Optional<?>) Class.forName("java.lang.foreign.SymbolLookup").getMethod("find", String.class)
                .invoke(symbols, name)).orElseThrow(() -> new NoSuchMethodException("no C function " + name));
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

    /** {@code bytes} of native memory that lives as long as the process (keep such buffers few and reused). */
    public Object allocate(long bytes) {
        try {
            return allocate.invoke(arena, bytes, 8L);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    public void setInt(Object segment, long offset, int value) {
        try {
            setInt.invokeExact(segment, offset, value);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    public int getInt(Object segment, long offset) {
        try {
            return (int) getInt.invokeExact(segment, offset);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    public void setBytes(Object segment, long offset, byte[] bytes) {
        try {
            for (int i = 0; i < bytes.length; i++) {
                setByte.invokeExact(segment, offset + i, bytes[i]);
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code dup(fd)}: a new descriptor for the same socket, or -1. */
    public int dup(int fd) {
        try {
            return (int) descriptorCalls().dup.invokeExact(fd);
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * {@code dup3(from, to, O_CLOEXEC)}: {@code to} now refers to {@code from}'s socket (its own closed
     * first), closed in programs this process starts; returns {@code to}, or -1.
     */
    public int dup2(int from, int to) {
        try {
            return (int) descriptorCalls().dup3.invokeExact(from, to, O_CLOEXEC);
        } catch (Throwable e) {
            return -1;
        }
    }

    /** {@code close(fd)}: 0, or -1. */
    public int close(int fd) {
        try {
            return (int) descriptorCalls().close.invokeExact(fd);
        } catch (Throwable e) {
            return -1;
        }
    }

    /** An int socket option of descriptor {@code fd} ({@code getsockopt}); empty when it is no socket or fails. */
    public synchronized java.util.OptionalInt socketOption(int fd, int level, int name) {
        DescriptorCalls d = descriptorCalls();
        try {
            setInt(d.value, 0, 0);
            setInt(d.length, 0, 4);
            int rc = (int) d.getsockopt.invokeExact(fd, level, name, d.value, d.length);
            return rc == 0 ? java.util.OptionalInt.of(getInt(d.value, 0)) : java.util.OptionalInt.empty();
        } catch (Throwable e) {
            return java.util.OptionalInt.empty();
        }
    }

    private static final int O_CLOEXEC = 0x80000;
    private volatile DescriptorCalls descriptorCalls;

    private DescriptorCalls descriptorCalls() {
        DescriptorCalls d = descriptorCalls;
        if (d == null) {
            try {
                d = new DescriptorCalls(function("dup", javaInt, javaInt), function("dup3", javaInt, javaInt, javaInt, javaInt),
                        function("close", javaInt, javaInt),
                        // int getsockopt(int fd, int level, int name, void *value, socklen_t *length)
                        function("getsockopt", javaInt, javaInt, javaInt, javaInt, address, address),
                        allocate(4), allocate(4));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the C library lacks " + e.getMessage(), e);
            }
            descriptorCalls = d;
        }
        return d;
    }

    /** dup, dup3, close, getsockopt, and getsockopt's two ints. */
    private record DescriptorCalls(MethodHandle dup, MethodHandle dup3, MethodHandle close, MethodHandle getsockopt,
                                   Object value, Object length) {
    }

    /**
     * Native memory for one call (C strings, arrays of pointers, the structures a function fills in), all
     * of it freed when the scope closes. Only the thread that opened it may use it.
     */
    public Scope scope() {
        ScopeCalls c = scopeCalls();
        try {
            return new Scope(c, c.ofConfined.invoke());
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Native memory that lives until {@link #close()}: see {@link #scope()}. */
    public static final class Scope implements AutoCloseable {
        private final ScopeCalls calls;
        private final Object arena;

        private Scope(ScopeCalls calls, Object arena) {
            this.calls = calls;
            this.arena = arena;
        }

        /** {@code bytes} of zeroed memory, aligned for any C type. */
        public Object allocate(long bytes) {
            try {
                return calls.allocate.invoke(arena, bytes, 16L);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code text} as a C string: UTF-8, then a NUL. */
        public Object string(String text) {
            try {
                return calls.allocateFrom.invoke(arena, text);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** A C array of pointers to {@code segments}, then NULL (an {@code argv} or {@code envp}). */
        public Object pointers(List<?> segments) {
            Object array = allocate(8L * (segments.size() + 1));
            try {
                for (int i = 0; i < segments.size(); i++) {
                    calls.setAddress.invoke(array, (long) i, segments.get(i));
                }
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            return array;
        }

        /** Frees every segment of this scope. */
        @Override
        public void close() {
            try {
                calls.close.invoke(arena);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private volatile ScopeCalls scopeCalls;

    private ScopeCalls scopeCalls() {
        ScopeCalls c = scopeCalls;
        if (c == null) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
                Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> allocatorClass = Class.forName("java.lang.foreign.SegmentAllocator");
                Class<?> addressLayout = Class.forName("java.lang.foreign.AddressLayout");
                c = new ScopeCalls(
                        lookup.findStatic(arenaClass, "ofConfined", MethodType.methodType(arenaClass)),
                        lookup.findVirtual(arenaClass, "allocate", MethodType.methodType(segmentClass, long.class, long.class)),
                        lookup.findVirtual(allocatorClass, "allocateFrom", MethodType.methodType(segmentClass, String.class)),
                        MethodHandles.insertArguments(lookup.findVirtual(segmentClass, "setAtIndex",
                                MethodType.methodType(void.class, addressLayout, long.class, segmentClass)), 1, address),
                        lookup.findVirtual(arenaClass, "close", MethodType.methodType(void.class)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the foreign memory API lacks " + e.getMessage(), e);
            }
            scopeCalls = c;
        }
        return c;
    }

    /** Arena.ofConfined, Arena.allocate, SegmentAllocator.allocateFrom(String), MemorySegment.setAtIndex(ADDRESS), Arena.close. */
    private record ScopeCalls(MethodHandle ofConfined, MethodHandle allocate, MethodHandle allocateFrom, MethodHandle setAddress,
                              MethodHandle close) {
    }

    /** The descriptor of one of the JDK's channels; empty when {@code sun.nio.ch} is not exported to core. */
    public Optional<Integer> descriptor(Channel channel) {
        if (fdOf == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((int) fdOf.invokeExact(channel));
        } catch (Throwable e) {
            return Optional.empty();
        }
    }
}
