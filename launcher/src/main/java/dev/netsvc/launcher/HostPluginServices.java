package dev.netsvc.launcher;

import java.util.List;

/** The live plugins folder's services, run by the host's supervisor. */
final class HostPluginServices implements PluginServices {

    private final Host host;

    HostPluginServices(Host host) {
        this.host = host;
    }

    @Override
    public List<Problem> swap(PluginGeneration current, PluginGeneration next) {
        return host.deployPlugin(current == null ? List.of() : current.services(), next.services());
    }

    @Override
    public Runnable holdListeners(PluginGeneration generation) {
        return host.holdListeners(generation.services());
    }

    @Override
    public void stop(PluginGeneration generation) {
        host.removeServices(generation.services());
    }
}
