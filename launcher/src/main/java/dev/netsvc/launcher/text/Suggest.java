package dev.netsvc.launcher.text;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?" for mistyped keys, ids and commands. */
public final class Suggest {

    private Suggest() {
    }

    /** The candidate closest to {@code typed}, if it is close enough to be a likely typo. */
    public static Optional<String> closest(String typed, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(typed, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int tolerance = Math.max(2, typed.length() / 4);
        return best != null && bestDistance <= tolerance ? Optional.of(best) : Optional.empty();
    }

    /** "; did you mean X?" or, when nothing is close, a full stop: ends a sentence either way. */
    public static String hint(String typed, Collection<String> candidates) {
        return closest(typed, candidates).map(c -> "; did you mean " + c + "?").orElse(".");
    }

    // Levenshtein distance, two rows.
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
