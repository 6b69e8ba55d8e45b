package dev.netsvc.core.internal;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileDescriptorsTest {

    @Test
    void theLimitIsReadOnUnix() {
        assertTrue(FileDescriptors.limit().isPresent(), "this test runs on Linux");
        assertTrue(FileDescriptors.limit().getAsLong() >= 64);
    }

    @Test
    void warnsWhenTheConnectionLimitsAddUpToMoreThanTheProcessMayOpen() {
        Map<String, Integer> max = new LinkedHashMap<>();
        max.put("echo-blocking", 10_000);
        max.put("http", 1000);
        assertEquals("the enabled services may hold 11000 connections (max-connections: echo-blocking 10000, http 1000) "
                + "but this process may open only 1024 files; at the limit accepts fail with 'too many open files'. "
                + "Raise it to at least 11128 ('ulimit -n 11128' before starting netsvc, or LimitNOFILE=11128 in its "
                + "systemd unit), or lower <id>.max-connections", FileDescriptors.checkBudget(max, 1024).orElseThrow());
        assertTrue(FileDescriptors.checkBudget(max, 11_128).isEmpty());
    }
}
