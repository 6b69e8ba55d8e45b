package dev.netsvc.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code <id>.args} as words, the way a shell splits a line but without anything else a shell does (no
 * variables, globs or redirections: the program is run directly): blanks separate words; {@code '...'}
 * keeps everything inside as it is; {@code "..."} too, except that {@code \"} and {@code \\} stand for
 * {@code "} and {@code \}; outside quotes {@code \} keeps the next character as it is. So
 * {@code -c 'echo "hi there"'} is two words, and {@code ''} is one empty word.
 */
final class Args {

    private Args() {
    }

    /** The words of {@code text}; the message of the exception says what is wrong. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int close = closing(text, i);
                if (close < 0) {
                    throw new IllegalArgumentException("the quote " + c + " at character " + (i + 1) + " is never closed");
                }
                word.append(c == '"' ? unescape(text.substring(i + 1, close)) : text.substring(i + 1, close));
                inWord = true;
                i = close;
            } else if (c == '\\') {
                if (i + 1 == text.length()) {
                    throw new IllegalArgumentException("a \\ at the end escapes nothing");
                }
                word.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    // Where the quote opened at 'open' closes, or -1; inside "..." a backslash escapes the next character
    private static int closing(String text, int open) {
        char quote = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '"' && c == '\\' && i + 1 < text.length()) {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String quoted) {
        StringBuilder out = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() && (quoted.charAt(i + 1) == '"' || quoted.charAt(i + 1) == '\\')) {
                c = quoted.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
