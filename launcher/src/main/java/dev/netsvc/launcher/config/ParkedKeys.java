package dev.netsvc.launcher.config;

import java.util.List;

/**
 * Keys for a service id no loaded plugin provides (yet, or any more): kept, not validated, named in one
 * warning, and applied when a plugin providing the id arrives. A plugin can so be configured before its
 * jar is copied, and the keys of a removed plugin block nothing.
 *
 * @param id      the service id the keys are for
 * @param keys    the keys, as configured
 * @param sources where they are set
 * @param closest a loaded service id close enough to be what was meant, or empty
 */
public record ParkedKeys(String id, List<String> keys, List<String> sources, String closest) {

    /** The one warning line: {@code keys for wordcount (wordcount.port in conf/conf.d/wc.properties) are kept: ...}. */
    public String warning() {
        return "keys for " + id + " (" + String.join(", ", keys) + " in " + String.join(", ", sources) + ") are kept,"
                + " waiting for a plugin that provides a service called '" + id + "'"
                + (closest.isEmpty() ? "" : "; did you mean " + closest + "?");
    }
}
