package dev.netsvc.exec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <id>.args} into words, as a shell splits them without expanding anything. */
class ArgsTest {

    @Test
    void blanksSeparateWords() {
        assertEquals(List.of("-l", "-w", "x"), Args.split("  -l\t-w   x "));
        assertEquals(List.of(), Args.split(""));
        assertEquals(List.of(), Args.split("   "));
    }

    @Test
    void quotesKeepBlanksAndTheOtherQuote() {
        assertEquals(List.of("-c", "echo \"hi there\""), Args.split("-c 'echo \"hi there\"'"));
        assertEquals(List.of("say 'hi'", "a\"b", "c\\d"), Args.split("\"say 'hi'\" \"a\\\"b\" \"c\\\\d\""));
        assertEquals(List.of("", "x"), Args.split("'' x"), "an empty quoted word is a word");
        assertEquals(List.of("abc def"), Args.split("a'bc 'def"), "quoted parts join the word around them");
    }

    @Test
    void aBackslashKeepsTheNextCharacter() {
        assertEquals(List.of("a b", "$HOME", "*"), Args.split("a\\ b $HOME *"), "nothing is expanded");
    }

    @Test
    void anUnclosedQuoteOrATrailingBackslashIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Args.split("-c 'echo"));
        assertTrue(e.getMessage().contains("quote ' at character 4 is never closed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Args.split("x \"y"));
        assertThrows(IllegalArgumentException.class, () -> Args.split("x\\"));
    }
}
