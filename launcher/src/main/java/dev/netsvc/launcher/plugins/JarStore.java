package dev.netsvc.launcher.plugins;

import java.io.IOException;
import java.nio.file.Path;

/** Where a plugin jar is loaded from: a private copy (the running host) or the jar in place (short commands). */
public interface JarStore {

    /** The file to load {@code jar} from; throws when its content no longer has {@code checksum}. */
    Path stage(Path jar, String checksum) throws IOException;

    /** Its plugin is unloaded: a copy can go. */
    void discard(Path staged);

    /** Loads jars where they are: for commands that end before anyone could replace a jar. */
    JarStore IN_PLACE = new JarStore() {
        @Override
        public Path stage(Path jar, String checksum) {
            return jar;
        }

        @Override
        public void discard(Path staged) {
        }
    };
}
