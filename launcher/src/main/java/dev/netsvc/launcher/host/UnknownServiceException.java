package dev.netsvc.launcher.host;

import dev.netsvc.launcher.text.Suggest;

import java.util.Set;

/** An id the host does not know: a usage error naming the ids it does know. */
public final class UnknownServiceException extends IllegalArgumentException {
    UnknownServiceException(String id, Set<String> known) {
        super("no service is called '" + id + "'" + Suggest.hint(id, known) + " Services: " + String.join(", ", known));
    }
}
