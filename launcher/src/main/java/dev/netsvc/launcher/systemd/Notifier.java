package dev.netsvc.launcher.systemd;

/** Where {@link ServiceManager}'s messages go: the notify socket, or a test's list. */
interface Notifier {

    /** Sends one message ({@code READY=1\nSTATUS=...}); false when it could not be sent. */
    boolean send(String message);
}
