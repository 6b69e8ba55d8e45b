package dev.netsvc.launcher;

import dev.netsvc.core.NetClient;
import dev.netsvc.core.NetService;
import dev.netsvc.core.UsageException;

import org.pf4j.ExtensionWrapper;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads every plugin jar in a folder with PF4J and collects what each contributes, reporting every jar
 * or plugin that fails in one line instead of a stack trace. PF4J's manager is not thread-safe: only the
 * thread that created the host calls it.
 */
final class PluginHost implements PluginCatalog, AutoCloseable {

    /** A started plugin and the extensions it contributed, fetched once (PF4J creates new instances per call). */
    record LoadedPlugin(String id, String version, Path jar, List<ServiceInfo> services, List<NetClient> clients) {
    }

    private final Path pluginsDir;
    private final Manager manager;
    private final List<Problem> problems = new ArrayList<>();
    private final List<LoadedPlugin> plugins = new ArrayList<>();
    private final Map<String, ServiceInfo> services = new LinkedHashMap<>();

    /** PF4J's jar manager, with load failures recorded instead of logged with stack traces. */
    private final class Manager extends JarPluginManager {
        Manager(Path dir) {
            super(dir);
        }

        @Override
        protected PluginWrapper loadPluginFromPath(Path pluginPath) {
            try {
                if (!hasPluginId(pluginPath)) {
                    problems.add(new Problem("plugin jar " + pluginPath.getFileName(),
                            "not a plugin: its manifest has no Plugin-Id (see docs/plugin-authors.md)"));
                    return null;
                }
                java.util.Optional<String> refused = PluginJarCheck.problem(pluginPath);
                if (refused.isPresent()) {
                    problems.add(new Problem("plugin jar " + pluginPath.getFileName(), refused.get()));
                    return null;
                }
                return super.loadPluginFromPath(pluginPath);
            } catch (RuntimeException | LinkageError e) {
                problems.add(new Problem("plugin jar " + pluginPath.getFileName(), "cannot be loaded: " + plainCause(e)));
                return null;
            }
        }

        // PF4J would log a failing extension constructor with a stack trace and skip it; report it instead
        @Override
        protected <T> List<T> getExtensions(List<ExtensionWrapper<T>> wrappers) {
            List<T> extensions = new ArrayList<>(wrappers.size());
            for (ExtensionWrapper<T> wrapper : wrappers) {
                try {
                    extensions.add(wrapper.getExtension());
                } catch (RuntimeException | LinkageError e) {
                    PluginWrapper owner = whichPlugin(wrapper.getDescriptor().extensionClass);
                    String subject = owner == null ? "extension" : "plugin " + owner.getPluginId();
                    problems.add(new Problem(subject, "extension " + wrapper.getDescriptor().extensionClass.getName()
                            + " cannot be created: " + plainCause(e)));
                }
            }
            return extensions;
        }
    }

    // PF4J fails on a jar without a manifest with a NullPointerException message; say what it means
    private static boolean hasPluginId(Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Plugin-Id") != null;
        } catch (java.io.IOException e) {
            return true; // not a readable jar: let PF4J report it in its own words
        }
    }

    PluginHost(Path pluginsDir, String systemVersion) {
        this.pluginsDir = pluginsDir;
        this.manager = new Manager(pluginsDir);
        manager.setSystemVersion(systemVersion);
    }

    /** Loads and starts every plugin, then collects services and clients; problems go to {@link #problems()}. */
    void load() {
        if (!Files.isDirectory(pluginsDir)) {
            throw new UsageException("plugins folder " + pluginsDir + " does not exist");
        }
        try {
            manager.loadPlugins();
        } catch (RuntimeException e) { // a dependency cycle or missing dependency ends PF4J's resolution
            problems.add(new Problem("plugins in " + pluginsDir, "cannot be resolved: " + plainCause(e)));
        }
        try {
            manager.startPlugins();
        } catch (RuntimeException | LinkageError e) {
            problems.add(new Problem("plugins in " + pluginsDir, "cannot be started: " + plainCause(e)));
        }
        List<PluginWrapper> wrappers = new ArrayList<>(manager.getPlugins());
        wrappers.sort(Comparator.comparing(PluginWrapper::getPluginId));
        for (PluginWrapper wrapper : wrappers) {
            collect(wrapper);
        }
        indexServices();
    }

    private void collect(PluginWrapper wrapper) {
        String id = wrapper.getPluginId();
        if (wrapper.getPluginState() != PluginState.STARTED) {
            String why = wrapper.getFailedException() != null ? plainCause(wrapper.getFailedException())
                    : "state " + wrapper.getPluginState().toString().toLowerCase(java.util.Locale.ROOT);
            if ("Plugin validation failed".equals(why)) {
                why = "it requires netsvc " + wrapper.getDescriptor().getRequires() + " but this is "
                        + manager.getSystemVersion();
            }
            problems.add(new Problem("plugin " + id, "not started: " + why));
            return;
        }
        List<ServiceInfo> services = new ArrayList<>();
        List<NetClient> clients = new ArrayList<>();
        try {
            for (NetService service : manager.getExtensions(NetService.class, id)) {
                try {
                    services.add(ServiceInfo.of(service, id, wrapper.getDescriptor().getVersion()));
                } catch (RuntimeException | LinkageError e) {
                    problems.add(new Problem("plugin " + id, "a service is unusable: " + plainCause(e)));
                }
            }
            clients.addAll(manager.getExtensions(NetClient.class, id));
        } catch (RuntimeException | LinkageError e) {
            problems.add(new Problem("plugin " + id, "extensions cannot be created: " + plainCause(e)));
        }
        plugins.add(new LoadedPlugin(id, wrapper.getDescriptor().getVersion(), wrapper.getPluginPath(), services, clients));
    }

    List<LoadedPlugin> plugins() {
        return List.copyOf(plugins);
    }

    List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Every service by id, in plugin order. */
    public Map<String, ServiceInfo> services() {
        return Collections.unmodifiableMap(services);
    }

    // A second service with an id already taken is reported and left out, so one plugin cannot shadow
    // another's service.
    private void indexServices() {
        for (LoadedPlugin plugin : plugins) {
            for (ServiceInfo info : plugin.services()) {
                ServiceInfo first = services.putIfAbsent(info.id(), info);
                if (first != null) {
                    problems.add(new Problem("service " + info.id() + " of plugin " + plugin.id(),
                            "ignored: plugin " + first.pluginId() + " already provides a service with this id"));
                }
            }
        }
    }

    /**
     * Stops and unloads every plugin, each guarded: PF4J's own stopPlugins() gives up at the first
     * plugin whose stop() throws a plain RuntimeException, leaving the rest running.
     */
    @Override
    public void close() {
        List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
        java.util.Collections.reverse(started);
        for (PluginWrapper wrapper : started) {
            try {
                manager.stopPlugin(wrapper.getPluginId());
            } catch (RuntimeException | LinkageError e) {
                problems.add(new Problem("plugin " + wrapper.getPluginId(), "failed to stop: " + plainCause(e)));
            }
        }
        plugins.clear();
        services.clear();
        for (PluginWrapper wrapper : new ArrayList<>(manager.getPlugins())) {
            try {
                manager.unloadPlugin(wrapper.getPluginId());
            } catch (RuntimeException | LinkageError e) {
                // unloading after stop only closes class loaders; nothing left to report to the user
            }
        }
    }

    /** The innermost useful message of an exception chain, without class names where a message exists. */
    static String plainCause(Throwable e) {
        Throwable t = e;
        String best = null;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof java.util.zip.ZipException) {
                best = "not a valid jar file (" + m + ")";
            } else if (m != null && !m.isBlank()) {
                best = m;
            } else if (best == null) {
                best = t.getClass().getSimpleName();
            }
        }
        return best == null ? e.toString() : best.replace('\n', ' ');
    }
}
