package dev.netsvc.launcher.plugins;

import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The part of netsvc-core the host keeps for itself ({@code dev.netsvc.core.internal}: its wiring, sockets
 * shared across plugin versions, native calls), refused to plugin code twice: a jar whose classes name a
 * host-only class is refused before it loads ({@link #referencedBy}, part of {@link PluginJarCheck}), and a
 * plugin's class loader refuses to load one ({@link RefusingLoader}), for a name the jar check cannot see
 * (one built at run time for reflection). The SDK's parent POM runs the same check when a plugin is built.
 */
final class HostOnlyClasses {

    /** Binary-name prefixes of the host's packages. */
    static final List<String> PACKAGES = List.of("dev.netsvc.core.internal.");

    private HostOnlyClasses() {
    }

    static boolean isHostOnly(String className) {
        return PACKAGES.stream().anyMatch(className::startsWith);
    }

    /** Why {@code className}, a host-only class, is not given to {@code user}: one line. */
    static String refusal(String user, String className) {
        return user + " uses " + className + ", which netsvc keeps for the host: plugins may use netsvc-core's API"
                + " only, not " + packageOf(className) + " (see docs/plugin-authors.md, \"What core offers plugins\")";
    }

    /**
     * The first host-only class a class file names, if any: a class it uses, or a type in a signature or
     * descriptor, all of which its constant pool holds as modified UTF-8 (the same bytes as ASCII here), so
     * the raw bytes are searched in both the internal (a/b/C) and the binary (a.b.C) form.
     */
    static Optional<String> referencedBy(byte[] classFile) {
        for (String prefix : PACKAGES) {
            for (String form : List.of(prefix.replace('.', '/'), prefix)) {
                int at = indexOf(classFile, form.getBytes(StandardCharsets.US_ASCII));
                if (at >= 0) {
                    return Optional.of(nameAt(classFile, at));
                }
            }
        }
        return Optional.empty();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // The class name that starts at 'at': up to the first byte that cannot be part of one (';', '<', a length byte)
    private static String nameAt(byte[] bytes, int at) {
        int end = at;
        while (end < bytes.length && end - at < 512 && isNameByte(bytes[end])) {
            end++;
        }
        return new String(bytes, at, end - at, StandardCharsets.US_ASCII).replace('/', '.');
    }

    private static boolean isNameByte(byte b) {
        return b == '/' || b == '.' || b == '$' || b == '_' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z')
                || (b >= 'A' && b <= 'Z');
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(0, dot);
    }

    /** PF4J's plugin class loader, refusing host-only classes to the plugin's code. */
    static final class RefusingLoader extends PluginClassLoader {
        private final String pluginId;

        RefusingLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
            super(manager, descriptor, parent);
            this.pluginId = descriptor.getPluginId();
        }

        @Override
        public Class<?> loadClass(String className) throws ClassNotFoundException {
            if (isHostOnly(className)) {
                throw new ClassNotFoundException(refusal("plugin " + pluginId, className));
            }
            return super.loadClass(className);
        }
    }
}
