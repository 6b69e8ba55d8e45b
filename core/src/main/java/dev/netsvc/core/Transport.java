package dev.netsvc.core;

import java.util.Locale;

/** The transport a service listens on. */
public enum Transport {
    TCP, UDP;

    /** Lower-case name, as shown in logs and {@code netsvc list}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
