package dev.netsvc.launcher.text;

/**
 * Something that could not be loaded or started, reported in one line: what it is and why.
 *
 * @param subject a plugin jar, plugin id or service id
 * @param cause   the reason in plain words
 */
public record Problem(String subject, String cause) {
    @Override
    public String toString() {
        return subject + ": " + cause;
    }
}
