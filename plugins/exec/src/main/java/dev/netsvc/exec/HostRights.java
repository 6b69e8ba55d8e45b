package dev.netsvc.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What this host has and may do for its programs: the util-linux tools a program is started through
 * ({@code setsid}, {@code setpriv}), the users and groups it names, and whether it may switch to them
 * (root, or {@code CAP_SETUID} and {@code CAP_SETGID}, as the systemd unit can grant).
 */
final class HostRights {

    /** Bits of {@code CapEff} in /proc/self/status: CAP_SETGID is 6, CAP_SETUID is 7. */
    static final long SETGID_AND_SETUID = (1L << 6) | (1L << 7);

    private static final List<String> DIRS = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin");

    private HostRights() {
    }

    /** The absolute path of the tool {@code name} in the usual folders or on PATH, if installed. */
    static Optional<Path> tool(String name) {
        List<String> dirs = new ArrayList<>(DIRS);
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        return dirs.stream().filter(d -> d.startsWith("/")).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    /** Whether this process may switch a program to another user and group. */
    static boolean maySwitchUsers() {
        return (effectiveCapabilities() & SETGID_AND_SETUID) == SETGID_AND_SETUID;
    }

    /** The effective capabilities of this process (0 when /proc cannot say). */
    static long effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: not Linux, or hidden; nothing can be claimed
        }
        return 0;
    }

    /** The user this process runs as. */
    static String currentUser() {
        return System.getProperty("user.name", "");
    }

    /** Whether the system knows the user {@code name} (a name or a number: through NSS, as the C library does). */
    static boolean userExists(String name) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
            return true;
        } catch (UserPrincipalNotFoundException e) {
            return false;
        } catch (IOException e) {
            return true; // the lookup itself failed: let setpriv say what is wrong when it runs
        }
    }

    /** Whether the system knows the group {@code name}. */
    static boolean groupExists(String name) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
            return true;
        } catch (UserPrincipalNotFoundException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * The primary group of {@code user}, as a number ({@code id -g}): setpriv keeps this process's group
     * unless told another, and a program switched to {@code nobody} must not keep root's group.
     */
    static String primaryGroup(String user) throws IOException {
        Path id = tool("id").orElseThrow(() -> new IOException("the program 'id' (coreutils) is not installed"));
        Process p = new ProcessBuilder(id.toString(), "-g", "--", user).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(256);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'id -g " + user + "' did not answer within 10 s");
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0 || !text.matches("[0-9]+")) {
                throw new IOException("the primary group of user " + user + " is unknown: " + text);
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while asking for the primary group of " + user);
        }
    }
}
