package dev.netsvc.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts about this netsvc build. */
public final class Netsvc {

    private static final String VERSION = load();

    private Netsvc() {
    }

    /**
     * The one version of this build, such as {@code 0.1.0}: of the SDK artifacts, of {@code netsvc --version},
     * and the one a plugin's {@code Plugin-Requires} range is checked against.
     */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Netsvc.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "0.0.0";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "0.0.0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
