package dev.netsvc.core.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BufferBudgetTest {

    @Test
    void fullReadsDoubleUpToTheMaximumAndSmallReadsHalve() {
        BufferBudget budget = new BufferBudget(4096, 1 << 20);
        int size = budget.initial();
        assertEquals(512, size);
        size = budget.next(size, size);
        assertEquals(1024, size);
        size = budget.next(budget.next(size, size), 2048);
        assertEquals(4096, size);
        assertEquals(4096, budget.next(size, size), "never past the maximum");
        assertEquals(4096, budget.next(size, 1000), "a read of a quarter keeps the size");
        assertEquals(2048, budget.next(size, 100), "a read of under an eighth halves it");
        assertEquals((1 << 20) - (2048 - 512), budget.available());
        budget.release(2048);
        assertEquals(1 << 20, budget.available(), "closing gives every byte back");
    }

    @Test
    void growthStopsWhenTheSharedAllowanceIsSpent() {
        BufferBudget budget = new BufferBudget(1 << 20, 1024);
        int a = budget.next(512, 512);      // takes 512
        int b = budget.next(512, 512);      // takes the other 512
        assertEquals(1024, a);
        assertEquals(1024, b);
        assertEquals(1024, budget.next(1024, 1024), "no room left: stays as it is");
        assertEquals(0, budget.available());
        budget.release(a);
        assertEquals(512, budget.available());
        assertEquals(1024, budget.next(512, 512), "room again for a new connection once another closed");
        assertEquals(1024, budget.next(b, b), "but not twice");
    }

    @Test
    void aZeroBudgetKeepsEveryBufferAtItsInitialSize() {
        BufferBudget budget = new BufferBudget(1 << 16, 0);
        assertEquals(512, budget.next(512, 512));
        budget.release(512);
        assertEquals(0, budget.available());
    }

    @Test
    void theMaximumMayNotBeBelowTheInitialSize() {
        assertThrows(IllegalArgumentException.class, () -> new BufferBudget(100, 0));
    }
}
