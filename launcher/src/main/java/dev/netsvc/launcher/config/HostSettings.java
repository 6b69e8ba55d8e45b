package dev.netsvc.launcher.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/** The host's own settings ({@link HostKeys}), validated. */
public record HostSettings(Duration shutdownGrace, Duration shutdownDrainDelay, Duration probation, boolean adminEnabled,
                           InetAddress adminBind, int adminPort, Path adminSocket, boolean pluginsWatch,
                           Duration pluginsScanInterval) {

    /** Whether the admin endpoint or the control socket would change: those take effect at the next start. */
    public boolean adminDiffers(HostSettings other) {
        return adminEnabled != other.adminEnabled || !adminBind.equals(other.adminBind)
                || adminPort != other.adminPort || !adminSocket.equals(other.adminSocket);
    }
}
