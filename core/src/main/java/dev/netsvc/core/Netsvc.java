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

    /** The project version, such as {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    /**
     * The SDK version plugins are checked against ({@code Plugin-Requires}): the version without a
     * pre-release suffix, because SemVer orders {@code 0.1.0-SNAPSHOT} below {@code 0.1.0}.
     */
    public static String apiVersion() {
        int dash = VERSION.indexOf('-');
        return dash < 0 ? VERSION : VERSION.substring(0, dash);
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
