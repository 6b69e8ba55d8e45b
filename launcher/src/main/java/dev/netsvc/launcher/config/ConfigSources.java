package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.FileErrors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a run's configuration comes from, lowest precedence first: the installation's file
 * ({@code conf/netsvc.properties}, required), each {@code conf/conf.d/*.properties} in name order, each
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

    /**
     * Reads the files now and layers the command line over them, for {@code services}; only the files'
     * syntax is checked yet. A missing or unreadable main file is an error naming it, as for --config.
     */
    public Configuration read(Map<String, ServiceInfo> services) {
        Configuration config = new Configuration(services).checkingFilesAgainst(layout.home());
        config.addFile(layout.mainFile(), null, layout.mainFileName());
        for (Path file : confD()) {
            config.addFile(file, null, layout.name(file));
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

    /**
     * The {@code *.properties} files of {@code conf.d/} in name order; none when it does not exist.
     * Other names (an editor's backup, a package manager's {@code .dpkg-old}) and hidden files are not read.
     */
    private List<Path> confD() {
        Path dir = layout.confD();
        if (!Files.exists(dir)) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir.toString(), "configuration folder " + dir + " is not a folder; remove it or make it one");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".properties"))
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new ConfigException(dir.toString(), "cannot read configuration folder " + dir + ": " + FileErrors.reason(e));
        }
    }

    /** The plan these sources make for {@code services} now (the files read again). */
    public Plan plan(Map<String, ServiceInfo> services) {
        return fitted(read(services).plan());
    }

    /**
     * The plan for {@code services} alone, as part of a running host ({@link Configuration#part()}): the
     * keys of other services are not looked at.
     */
    public Plan planPart(Map<String, ServiceInfo> services) {
        return fitted(read(services).part().plan());
    }

    // the max-connections defaults fitted to this process's open-files limit (ConnectionBudget)
    private static Plan fitted(Plan plan) {
        return new Plan(ConnectionBudget.fit(plan.services(), dev.netsvc.core.internal.FileDescriptors.limit()), plan.host(),
                plan.parked(), plan.fileWarnings());
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
        return layout.controlSocket(configured);
    }
}
