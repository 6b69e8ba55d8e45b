package dev.netsvc.core.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BufferBudgetTest {

    private static final int START = BufferBudget.INITIAL;

    @Test
    void fullReadsDoubleUpToTheMaximumAndSmallReadsHalve() {
        BufferBudget budget = new BufferBudget(16 * START, 1 << 20);
        int size = budget.initial();
        assertEquals(START, size);
        size = budget.next(size, size);
        assertEquals(2 * START, size);
        size = budget.next(budget.next(budget.next(size, size), 4 * START), 8 * START);
        assertEquals(16 * START, size);
        assertEquals(16 * START, budget.next(size, size), "never past the maximum");
        assertEquals(16 * START, budget.next(size, 4 * START), "a read of a quarter keeps the size");
        assertEquals(8 * START, budget.next(size, START), "a read of under an eighth halves it");
        assertEquals((1 << 20) - (8 * START - START), budget.available());
        budget.release(8 * START);
        assertEquals(1 << 20, budget.available(), "closing gives every byte back");
    }

    @Test
    void growthStopsWhenTheSharedAllowanceIsSpent() {
        BufferBudget budget = new BufferBudget(1 << 20, 2 * START);
        int a = budget.next(START, START);      // takes START
        int b = budget.next(START, START);      // takes the other START
        assertEquals(2 * START, a);
        assertEquals(2 * START, b);
        assertEquals(2 * START, budget.next(2 * START, 2 * START), "no room left: stays as it is");
        assertEquals(0, budget.available());
        budget.release(a);
        assertEquals(START, budget.available());
        assertEquals(2 * START, budget.next(START, START), "room again for a new connection once another closed");
        assertEquals(2 * START, budget.next(b, b), "but not twice");
    }

    @Test
    void aZeroBudgetKeepsEveryBufferAtItsInitialSize() {
        BufferBudget budget = new BufferBudget(1 << 16, 0);
        assertEquals(START, budget.next(START, START));
        budget.release(START);
        assertEquals(0, budget.available());
    }

    @Test
    void theMaximumMayNotBeBelowTheInitialSize() {
        assertThrows(IllegalArgumentException.class, () -> new BufferBudget(START - 1, 0));
    }
}
