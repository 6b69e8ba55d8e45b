package dev.netsvc.launcher.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a run's configuration comes from, lowest precedence first: the installation's file, each
 * {@code --config} file, each {@code --set}, then {@code --bind}, {@code --enable} and {@code --disable}.
 * Kept for the whole run: a reload reads the same files again with the same command-line layers on top.
 *
 * @param enable null when --enable was not given
 */
public record ConfigSources(Layout layout, List<Path> files, List<String> sets, String bind, List<String> enable,
                            List<String> disable) {

    public ConfigSources {
        files = List.copyOf(files);
        sets = List.copyOf(sets);
        enable = enable == null ? null : List.copyOf(enable);
        disable = List.copyOf(disable);
    }

    /** Only the installation's own file. */
    public static ConfigSources installation(Layout layout) {
        return new ConfigSources(layout, List.of(), List.of(), null, null, List.of());
    }

    /** Reads the files now and layers the command line over them, for {@code services}; nothing is validated yet. */
    public Configuration read(Map<String, ServiceInfo> services) {
        Configuration config = new Configuration(services);
        if (Files.isRegularFile(layout.mainFile())) {
            config.addFile(layout.mainFile(), null, layout.mainFileName());
        }
        for (Path file : files) {
            config.addFile(file, "--config");
        }
        sets.forEach(config::addSetting);
        if (bind != null) {
            config.defaultBind(bind);
        }
        if (enable != null) {
            config.enableOnly(enable);
        }
        if (!disable.isEmpty()) {
            config.disable(disable);
        }
        return config;
    }

    /** The plan these sources make for {@code services} now (the files read again). */
    public Plan plan(Map<String, ServiceInfo> services) {
        return read(services).plan();
    }

    /**
     * The control socket as the installation's file sets {@code admin.socket} (for the commands that talk
     * to a running host), else the default. An unreadable file gives the default: 'run' refused it too.
     */
    public static Path controlSocket(Layout layout) {
        Path configured = HostKeys.ADMIN_SOCKET.defaultValue();
        if (Files.isRegularFile(layout.mainFile())) {
            try {
                String text = PropertiesFile.read(layout.mainFile(), null).get(HostKeys.ADMIN + "." + HostKeys.ADMIN_SOCKET.name());
                if (text != null) {
                    configured = HostKeys.ADMIN_SOCKET.parse(text);
                }
            } catch (RuntimeException e) {
                // refused by 'run' as well; the default is the best guess
            }
        }
        return layout.resolve(configured);
    }
}
