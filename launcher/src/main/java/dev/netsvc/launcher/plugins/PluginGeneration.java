package dev.netsvc.launcher.plugins;

import dev.netsvc.core.NetClient;
import dev.netsvc.core.NetService;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.text.PlainCause;

import org.pf4j.ExtensionWrapper;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One loaded copy of one plugin jar, with a PF4J plugin manager of its own. PF4J cannot hold two plugins
 * with the same id in one manager, so the host gives every loaded jar its own manager: while a plugin is
 * replaced, the old generation keeps serving in its manager as the new one starts in another. Its
 * services and clients are fetched once (PF4J makes new instances on every call) and dropped on unload,
 * so its class loader can be collected.
 */
public final class PluginGeneration {

    private final String pluginId;
    private final String version;
    private final String jarName;
    private final Path staged;
    private JarPluginManager manager;
    private final List<ServiceInfo> services = new ArrayList<>();
    private final List<NetClient> clients = new ArrayList<>();
    private final WeakReference<ClassLoader> loader;

    private PluginGeneration(String pluginId, String version, String jarName, Path staged, JarPluginManager manager,
                             ClassLoader loader) {
        this.pluginId = pluginId;
        this.version = version;
        this.jarName = jarName;
        this.staged = staged;
        this.manager = manager;
        this.loader = new WeakReference<>(loader);
    }

    /**
     * Loads and starts the plugin in {@code staged} and creates its extensions; anything that goes wrong
     * unloads it again and is a {@link PluginJarCheck.Rejected} with the plain cause.
     */
    static PluginGeneration load(Path staged, String jarName, PluginJarCheck.Descriptor descriptor, String systemVersion)
            throws PluginJarCheck.Rejected {
        JarPluginManager manager = new Manager(staged.getParent());
        manager.setSystemVersion(systemVersion);
        String id;
        try {
            id = manager.loadPlugin(staged);
        } catch (RuntimeException | LinkageError e) {
            throw new PluginJarCheck.Rejected("cannot be loaded: " + PlainCause.of(e));
        }
        PluginWrapper wrapper = manager.getPlugin(id);
        PluginGeneration generation = new PluginGeneration(id, descriptor.version(), jarName, staged, manager,
                wrapper.getPluginClassLoader());
        try {
            PluginState state = manager.startPlugin(id);
            if (state != PluginState.STARTED) {
                Throwable failure = wrapper.getFailedException();
                throw new PluginJarCheck.Rejected("plugin " + id + " did not start: "
                        + (failure != null ? PlainCause.of(failure) : "state " + state));
            }
            for (NetService service : extensions(manager, NetService.class, id)) {
                generation.services.add(ServiceInfo.of(service, id, descriptor.version()));
            }
            generation.clients.addAll(extensions(manager, NetClient.class, id));
            return generation;
        } catch (PluginJarCheck.Rejected e) {
            generation.unload();
            throw e;
        } catch (RuntimeException | LinkageError e) {
            generation.unload();
            throw new PluginJarCheck.Rejected("plugin " + id + ": " + PlainCause.of(e));
        }
    }

    // PF4J logs a failing extension constructor with a stack trace and skips it; fail with the cause instead
    private static <T> List<T> extensions(JarPluginManager manager, Class<T> type, String id) throws PluginJarCheck.Rejected {
        try {
            return manager.getExtensions(type, id);
        } catch (ExtensionFailure e) {
            throw new PluginJarCheck.Rejected("plugin " + id + ": " + e.getMessage());
        }
    }

    private static final class ExtensionFailure extends RuntimeException {
        ExtensionFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * PF4J's jar manager, with a failing extension constructor as an exception instead of a logged stack
     * trace, and class loaders that refuse the host's own classes to the plugin.
     */
    private static final class Manager extends JarPluginManager {
        Manager(Path root) {
            super(root);
        }

        @Override
        protected PluginLoader createPluginLoader() {
            return new JarPluginLoader(this) {
                @Override
                protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                    return new HostOnlyClasses.RefusingLoader(pluginManager, descriptor, PluginGeneration.class.getClassLoader());
                }
            };
        }

        @Override
        protected <T> List<T> getExtensions(List<ExtensionWrapper<T>> wrappers) {
            List<T> extensions = new ArrayList<>(wrappers.size());
            for (ExtensionWrapper<T> wrapper : wrappers) {
                try {
                    extensions.add(wrapper.getExtension());
                } catch (RuntimeException | LinkageError e) {
                    throw new ExtensionFailure("extension " + wrapper.getDescriptor().extensionClass.getName()
                            + " cannot be created: " + PlainCause.of(e));
                }
            }
            return extensions;
        }
    }

    public String pluginId() {
        return pluginId;
    }

    public String version() {
        return version;
    }

    /** The jar's name in plugins/. */
    public String jarName() {
        return jarName;
    }

    Path staged() {
        return staged;
    }

    public List<ServiceInfo> services() {
        return List.copyOf(services);
    }

    public List<NetClient> clients() {
        return List.copyOf(clients);
    }

    /** The plugin's class loader, held weakly: cleared once it is collected after {@link #unload}. */
    WeakReference<ClassLoader> loader() {
        return loader;
    }

    /**
     * Stops the plugin and unloads it (PF4J closes its class loader), guarded: a plugin whose stop()
     * throws is still unloaded. Its services must have stopped first. Calling it twice is harmless.
     */
    void unload() {
        if (manager == null) {
            return;
        }
        services.clear();
        clients.clear();
        try {
            manager.stopPlugin(pluginId);
        } catch (RuntimeException | LinkageError ignored) {
            // unloading anyway; the plugin's own stop() failing does not keep its classes loaded
        }
        try {
            manager.unloadPlugin(pluginId);
        } catch (RuntimeException | LinkageError ignored) {
            // the class loader may not close cleanly; the leak counter will show it if it stays
        }
        manager = null;
    }

    @Override
    public String toString() {
        return pluginId + " " + version + " (" + jarName + ")";
    }
}
