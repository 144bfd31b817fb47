package dev.distlock.engine;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * The threads of one engine that want the same unfair lock queue here, in memory, so that only one
 * of them talks to the store at a time. A thread has the key's <em>turn</em> from when it goes to
 * the store until it gives up or, when granted, until its lock is released; the others park in
 * arrival order and the first of them gets the turn at once, without a poll, when the turn is
 * left. The gate only orders who asks: every grant is still the store's, with its own owner id and
 * fencing token, and none is ever handed from one thread to another.
 *
 * <p><b>Other JVMs must not starve.</b> A local successor that asks the instant the holder released
 * beats every waiter of another JVM, which hears of the release a round trip later; a JVM with
 * threads queued here would keep the lock for as long as its queue is not empty. So after
 * {@link #MAX_LOCAL_HAND_OFFS} consecutive hand-offs from a releasing holder to a local waiter, the
 * next turn is a {@link Turn#YIELD}: that thread asks the way a waiter of another JVM does,
 * subscribing to the store's release notifications first and trying only then, by which time the
 * waiters that the release notified have had their try. The count starts again after a yield; a
 * turn passed on by a thread that gave up is not counted. It lives as long as the key's line: a
 * line that empties is forgotten, and the count starts again with the next one. (A single thread
 * that releases and at once asks again, with nobody in line, still beats remote waiters: that is
 * the store's own unfairness, as without the gate; {@code fair = true} is the cure.)
 *
 * <p>A thread in line honours its {@code waitFor} (with none, it is told no at once, without a
 * store call: another thread of this engine holds the key or is asking for it) and interrupts,
 * and is listed among the engine's waiters. The thread whose turn it is waits at the store as
 * before, woken by the store's release notifications.
 *
 * <p>Fair locks do not pass through the gate: the store's queue is their order across JVMs.
 *
 * <p>An uncontended key costs one map entry holding a shared marker, removed with the release; the
 * queue is created only when a second thread arrives, and the entry is removed when the last turn
 * holder leaves with nobody queued, so that no key leaves a gate behind.
 */
final class LocalKeyGate {

    /**
     * Hand-offs to a local waiter in a row before the next local waiter yields to other JVMs. A yield
     * costs round trips on a store with notifications (register the interest, withdraw it): at 8,
     * 4 threads on one Redis key made 1,888 grants/s, at 16 2,853 and with no yield 2,883 (one short
     * JMH run each); 3 JVMs at 16 still got grants within 10% of each other.
     */
    static final int MAX_LOCAL_HAND_OFFS = 16;

    /** How a thread that got the turn goes to the store. */
    enum Turn {
        /** Try at once: nobody was ahead of it, or a local holder just released. */
        AT_ONCE,
        /** Subscribe to the store's release notifications first, then try, as another JVM's waiter would. */
        YIELD
    }

    /** The turn is taken and nobody else of this engine waits for it. */
    private static final Object TAKEN = new Object();

    private final ConcurrentHashMap<String, Object> turns = new ConcurrentHashMap<>();
    private final NanoClock clock;
    private final int maxLocalHandOffs;

    LocalKeyGate(NanoClock clock) {
        this(clock, MAX_LOCAL_HAND_OFFS);
    }

    LocalKeyGate(NanoClock clock, int maxLocalHandOffs) {
        this.clock = clock;
        this.maxLocalHandOffs = maxLocalHandOffs;
    }

    /**
     * Takes the turn of {@code key}, waiting in line until {@code deadlineNanos} ({@link NanoClock})
     * if another thread of this engine has it. Whoever gets a turn must {@link #leave} it once.
     *
     * @param beforeWaiting called once, before this thread waits in line
     * @return the turn, or null when the deadline passed in line (no store call was made)
     * @throws InterruptedException when interrupted in line; the thread then has no turn
     */
    @Nullable Turn enter(String key, long deadlineNanos, Runnable beforeWaiting) throws InterruptedException {
        if (turns.putIfAbsent(key, TAKEN) == null) {
            return Turn.AT_ONCE;
        }
        if (deadlineNanos - clock.nanoTime() <= 0) {
            // No time to wait (waitFor = 0): another thread of this engine holds the key or is asking for
            // it, so the store's answer would be no.
            return null;
        }
        Waiter waiter = new Waiter(Thread.currentThread());
        turns.compute(key, (k, current) -> {
            if (current == null) { // left meanwhile: the turn is ours
                waiter.turn = Turn.AT_ONCE;
                return TAKEN;
            }
            Line line = current == TAKEN ? new Line() : (Line) current;
            line.waiting.addLast(waiter);
            return line;
        });
        if (waiter.turn != null) {
            return waiter.turn;
        }
        beforeWaiting.run();
        return awaitTurn(key, waiter, deadlineNanos);
    }

    /**
     * Leaves the turn of {@code key}: the first thread in line gets it at once.
     *
     * @param released true when the turn holder was granted and has released its lock, false when it
     *                 gave up (denied past its deadline, interrupted, the store failed)
     */
    void leave(String key, boolean released) {
        // Nobody in line, the common case: no remapping function to allocate.
        if (!turns.remove(key, TAKEN)) {
            handOn(key, released, false);
        }
    }

    private void handOn(String key, boolean released, boolean yield) {
        turns.compute(key, (k, current) -> {
            if (!(current instanceof Line line)) {
                return null; // TAKEN, nobody in line: no gate is left behind
            }
            Waiter next = line.waiting.pollFirst();
            if (next == null) {
                return null;
            }
            Turn turn = yield ? Turn.YIELD : Turn.AT_ONCE;
            if (released && ++line.localHandOffs > maxLocalHandOffs) {
                turn = Turn.YIELD;
                line.localHandOffs = 0;
            }
            next.turn = turn;
            LockSupport.unpark(next.thread);
            return line;
        });
    }

    /** How many keys have a turn taken now; for tests of the gate's memory. */
    int keysWithTurns() {
        return turns.size();
    }

    private @Nullable Turn awaitTurn(String key, Waiter waiter, long deadlineNanos) throws InterruptedException {
        while (true) {
            Turn turn = waiter.turn;
            if (turn != null) {
                return turn;
            }
            if (Thread.interrupted()) {
                giveUp(key, waiter);
                throw new InterruptedException("Interrupted while waiting in line for lock '" + key + "'");
            }
            long remaining = deadlineNanos - clock.nanoTime();
            if (remaining <= 0) {
                giveUp(key, waiter);
                return null;
            }
            LockSupport.parkNanos(this, remaining);
        }
    }

    /** Leaves the line; a turn that reached this waiter meanwhile goes on to the next one, as it came. */
    private void giveUp(String key, Waiter waiter) {
        boolean[] inLine = {false};
        turns.computeIfPresent(key, (k, current) -> {
            if (current instanceof Line line) {
                inLine[0] = line.waiting.remove(waiter);
            }
            return current;
        });
        Turn turn = waiter.turn;
        if (!inLine[0] && turn != null) {
            handOn(key, false, turn == Turn.YIELD);
        }
    }

    /** The threads waiting in line for one key, guarded by the map's lock on the key's entry. */
    private static final class Line {
        private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(4);
        private int localHandOffs;
    }

    private static final class Waiter {
        private final Thread thread;
        private volatile @Nullable Turn turn;

        private Waiter(Thread thread) {
            this.thread = thread;
        }
    }
}
