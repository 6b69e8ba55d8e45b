package dev.netsvc.exec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What of a program's standard error reaches the log. */
class StderrLogTest {

    @Test
    void controlCharactersCannotForgeLogLines() {
        assertEquals("a?[31mred?", StderrLog.printable("a\u001b[31mred\r"));
        assertEquals("tab\tstays", StderrLog.printable("tab\tstays"));
        assertEquals("x?y", StderrLog.printable("x\u2028y"));
    }
}
