package dev.netsvc.launcher;

import java.util.Map;

/** Where the host finds the services of the loaded plugins: the plugin host, or the live plugins folder. */
interface PluginCatalog {

    /** Every service of every loaded plugin, by service id. */
    Map<String, ServiceInfo> services();
}
