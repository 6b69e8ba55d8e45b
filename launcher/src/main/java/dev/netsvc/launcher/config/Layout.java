package dev.netsvc.launcher.config;

import java.nio.file.Path;

/**
 * Where an installation keeps its parts. {@code bin/netsvc} passes each place as a system property when
 * the environment names it (a package or an image puts them where the file system hierarchy says);
 * otherwise each is a folder of the installation.
 *
 * @param home       the installation ({@code -Dnetsvc.home}): lib/, www/; relative paths in the
 *                   configuration resolve against it
 * @param confDir    {@code netsvc.properties} and {@code conf.d/} ({@code -Dnetsvc.conf.dir}, else home/conf)
 * @param pluginsDir the plugins folder ({@code -Dnetsvc.plugins.dir}, else home/plugins)
 * @param runDir     what the running host writes: its copies of plugin jars ({@code -Dnetsvc.run.dir},
 *                   else home/run)
 */
public record Layout(Path home, Path confDir, Path pluginsDir, Path runDir) {

    /** The installation's own configuration file. */
    public Path mainFile() {
        return confDir.resolve("netsvc.properties");
    }

    /** The folder of configuration files read after the main one, in name order. */
    public Path confD() {
        return confDir.resolve("conf.d");
    }

    /** The main file as messages and {@code netsvc check} name it: relative to the installation when inside it. */
    public String mainFileName() {
        return name(mainFile());
    }

    /** {@code file} as messages name it: relative to the installation when inside it. */
    public String name(Path file) {
        return file.startsWith(home) ? home.relativize(file).toString() : file.toString();
    }

    /** {@code path}, resolved against the installation when relative. */
    public Path resolve(Path path) {
        return path.isAbsolute() ? path : home.resolve(path).normalize();
    }

    /**
     * The control socket {@code admin.socket} names: its default ({@code run/netsvc.sock}) is
     * {@code netsvc.sock} in the run folder, wherever {@code NETSVC_RUN_DIR} puts that; any other path is
     * {@link #resolve resolved} against the installation.
     */
    public Path controlSocket(Path configured) {
        return configured.equals(HostKeys.ADMIN_SOCKET.defaultValue()) ? runDir.resolve("netsvc.sock") : resolve(configured);
    }

    /** Every place under {@code home}. */
    public static Layout of(Path home) {
        Path h = home.toAbsolutePath().normalize();
        return new Layout(h, h.resolve("conf"), h.resolve("plugins"), h.resolve("run"));
    }

    /** From the system properties bin/netsvc sets; {@code home} when it sets none. */
    public static Layout fromSystemProperties(Path home) {
        Layout d = of(home);
        return new Layout(d.home, dir("netsvc.conf.dir", d.confDir), dir("netsvc.plugins.dir", d.pluginsDir),
                dir("netsvc.run.dir", d.runDir));
    }

    private static Path dir(String property, Path otherwise) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? otherwise : Path.of(value).toAbsolutePath().normalize();
    }
}
