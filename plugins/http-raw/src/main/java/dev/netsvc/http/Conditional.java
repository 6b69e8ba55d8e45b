package dev.netsvc.http;

/** Conditional GET and HEAD (RFC 9110 §13): whether the client's copy is still current. */
final class Conditional {

    private Conditional() {
    }

    /**
     * Whether {@code request} should be answered 304 for {@code file}. If-None-Match, when present,
     * decides alone (weak comparison); otherwise If-Modified-Since, if it is a valid date.
     */
    static boolean notModified(Request request, StaticFile file) {
        if (request.ifNoneMatch() != null) {
            return matchesAny(request.ifNoneMatch(), file.etag());
        }
        if (request.ifModifiedSince() != null) {
            long since = HttpDates.parse(request.ifModifiedSince());
            return since >= 0 && file.modifiedSeconds() <= since;
        }
        return false;
    }

    /** Whether {@code list} ({@code *} or entity tags separated by commas) holds {@code etag}, W/ ignored. */
    static boolean matchesAny(String list, String etag) {
        if (list.strip().equals("*")) {
            return true;
        }
        int i = 0;
        int n = list.length();
        while (i < n) {
            char c = list.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (list.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= n || list.charAt(i) != '"') {
                return false; // not an entity tag: the field is invalid, so nothing matches
            }
            int close = list.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            if (list.regionMatches(i, etag, 0, etag.length()) && close + 1 - i == etag.length()) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }
}
