package dev.netsvc.exec;

import org.slf4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;

/**
 * The programs' standard error, into the service's log one line at a time ({@code pid 4711: message}), at
 * most {@code linesPerSecond} lines a second for all programs of the service together, on its clock. A
 * program's standard error is always read to its end, so a program that floods it never blocks on a full
 * pipe; the lines over the rate are counted and summed up in one line when the program ends. A line is
 * cut at {@link #MAX_LINE} bytes, and control characters become {@code ?}, so no program can forge lines
 * of the host's log.
 */
final class StderrLog {

    static final int MAX_LINE = 1024;
    private static final String[] WRAPPERS = {"setsid: failed to execute ", "setpriv: failed to execute "};

    private final Logger log;
    private final Clock clock;
    private final int linesPerSecond;
    private final LongAdder logged;
    private final LongAdder dropped;
    private long second = Long.MIN_VALUE; // under 'this'
    private int linesThisSecond;

    StderrLog(Logger log, Clock clock, int linesPerSecond, LongAdder logged, LongAdder dropped) {
        this.log = log;
        this.clock = clock;
        this.linesPerSecond = linesPerSecond;
        this.logged = logged;
        this.dropped = dropped;
    }

    /** Reads {@code program}'s standard error to its end (all its writers gone), on the calling thread. */
    void copy(Program program) {
        Lines lines = new Lines(program);
        byte[] buffer = new byte[4096];
        try (InputStream stderr = program.process.getErrorStream()) {
            for (int n; (n = stderr.read(buffer)) >= 0; ) {
                lines.add(buffer, n);
            }
        } catch (IOException e) {
            // the pipe closed under us (the program's end): what came is logged below
        }
        lines.end();
    }

    private synchronized boolean take() {
        long now = clock.millis() / 1000;
        if (now != second) {
            second = now;
            linesThisSecond = 0;
        }
        if (linesThisSecond < linesPerSecond) {
            linesThisSecond++;
            return true;
        }
        return false;
    }

    /** One program's lines as they come; bytes beyond {@link #MAX_LINE} of a line are skipped. */
    private final class Lines {
        private final Program program;
        private final byte[] line = new byte[MAX_LINE];
        private int length;
        private boolean cut;
        private boolean first = true;
        private long notLogged;

        Lines(Program program) {
            this.program = program;
        }

        void add(byte[] bytes, int n) {
            for (int i = 0; i < n; i++) {
                byte b = bytes[i];
                if (b == '\n') {
                    flush();
                } else if (length < MAX_LINE) {
                    line[length++] = b;
                } else {
                    cut = true;
                }
            }
        }

        void end() {
            if (length > 0 || cut) {
                flush();
            }
            if (notLogged > 0) {
                log.info("pid {}: {} more lines of standard error not logged (more than {} a second)", program.pid(),
                        notLogged, linesPerSecond);
            }
        }

        private void flush() {
            if (length > 0 && line[length - 1] == '\r') {
                length--; // a CRLF line end
            }
            String text = printable(new String(line, 0, length, StandardCharsets.UTF_8)) + (cut ? " [...]" : "");
            if (first) {
                first = false;
                for (String wrapper : WRAPPERS) {
                    if (text.startsWith(wrapper)) {
                        program.notExecuted();
                    }
                }
            }
            length = 0;
            cut = false;
            if (take()) {
                logged.increment();
                log.info("pid {}: {}", program.pid(), text);
            } else {
                dropped.increment();
                notLogged++;
            }
        }
    }

    /** Control characters (a carriage return, an escape sequence) become '?'; a tab stays. */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\t' && (Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                out.setCharAt(i, '?');
            }
        }
        return out == null ? text : out.toString();
    }
}
