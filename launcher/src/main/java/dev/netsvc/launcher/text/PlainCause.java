package dev.netsvc.launcher.text;

/** The innermost useful message of an exception chain, for one-line reports to operators. */
public final class PlainCause {

    private static final int MAX_DEPTH = 10;

    private PlainCause() {
    }

    /** The innermost message of {@code e}'s chain, without class names where a message exists, on one line. */
    public static String of(Throwable e) {
        Throwable t = e;
        String best = null;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof java.util.zip.ZipException) {
                best = "not a valid jar file (" + m + ")";
            } else if (m != null && !m.isBlank()) {
                best = m;
            } else if (best == null) {
                best = t.getClass().getSimpleName();
            }
        }
        return best == null ? e.toString() : best.replace('\n', ' ');
    }
}
