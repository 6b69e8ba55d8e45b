package dev.netsvc.core.internal;

import org.slf4j.Logger;

/**
 * How core's engines report a handler that threw: one line, the exception and where in the handler it
 * was thrown, with the stack at debug level. A client that makes a handler throw on every connection must
 * not write a stack trace (a StackOverflowError's is a thousand lines) to the log for each.
 */
public final class HandlerFailures {

    private HandlerFailures() {
    }

    /** Logs that the handler of {@code connection} failed with {@code failure}. */
    public static void log(Logger log, Object connection, Throwable failure) {
        log.error("handler failed on {}: {}{} (its stack at debug level)", connection, describe(failure), where(failure));
        log.debug("the stack of the handler's failure on {}", connection, failure);
    }

    /** {@code IllegalStateException: the message}, or the class alone when it has no message. */
    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String name = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message;
    }

    // The frame that threw: where an author looks first
    private static String where(Throwable failure) {
        StackTraceElement[] stack = failure.getStackTrace();
        return stack.length == 0 ? "" : " at " + stack[0];
    }
}
