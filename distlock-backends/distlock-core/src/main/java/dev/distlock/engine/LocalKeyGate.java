package dev.distlock.engine;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import dev.distlock.spi.AcquireRequest;

/**
 * The threads of one engine that want the same unfair lock queue here, in memory, so that only one
 * of them talks to the store at a time. A thread has the key's <em>turn</em> from when it goes to
 * the store until it gives up or, when granted, until its lock is released; the others park in
 * arrival order and the first of them gets the turn at once, without a poll, when the turn is
 * left. The gate only orders who asks: every grant is still the store's, with its own owner id and
 * fencing token, and no grant is ever passed from one thread to another.
 *
 * <p><b>Hand-over.</b> On a store that can pass a key to its next owner in one call
 * ({@link dev.distlock.spi.KeyHandOver}), the releasing holder {@linkplain #takeSuccessor takes} the
 * first thread in line and asks the store to release its grant and grant the key to that thread's
 * request in the same step: one round trip per hand-off instead of a release and then the waiter's
 * attempt. The waiter is told the store's answer ({@link Admission#grant()}), or, when the store said
 * no or could not be asked, gets the turn as after a release. A thread chosen for a hand-over waits
 * for its answer even past its deadline or when interrupted (the call is bounded by the operation
 * timeout): the store may already have granted it.
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

    /**
     * What a thread that entered the gate does next: go to the store ({@link #turn()}), or hold the
     * key already, handed over by the releasing holder ({@link #grant()}).
     *
     * @param turn       how to go to the store; null with a grant
     * @param grant      the store's grant of the thread's own request, passed on by a hand-over
     * @param ownerSpent a hand-over of the thread's request went unanswered: the store may have granted
     *                   that owner id (it is released in the background), so the thread asks with a new one
     */
    record Admission(@Nullable Turn turn, @Nullable Grant grant, boolean ownerSpent) {
        static final Admission AT_ONCE = new Admission(Turn.AT_ONCE, null, false);
        static final Admission YIELD = new Admission(Turn.YIELD, null, false);
        static final Admission AFTER_UNANSWERED_HAND_OVER = new Admission(Turn.AT_ONCE, null, true);

        private static Admission of(Turn turn) {
            return turn == Turn.YIELD ? YIELD : AT_ONCE;
        }
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
     * @param request       what this thread would ask the store: a holder may hand the key over to it
     * @param lockName      the lock's name, for {@code beforeWaiting}
     * @param beforeWaiting called once, before this thread waits in line
     * @return the turn or a handed-over grant, or null when the deadline passed in line (no store call was made)
     * @throws InterruptedException when interrupted in line; the thread then has no turn
     */
    @Nullable Admission enter(String key, AcquireRequest request, String lockName, long deadlineNanos, BeforeWaiting beforeWaiting)
            throws InterruptedException {
        if (turns.putIfAbsent(key, TAKEN) == null) {
            return Admission.AT_ONCE;
        }
        if (deadlineNanos - clock.nanoTime() <= 0) {
            // No time to wait (waitFor = 0): another thread of this engine holds the key or is asking for
            // it, so the store's answer would be no.
            return null;
        }
        Waiter waiter = new Waiter(Thread.currentThread(), request);
        turns.compute(key, (k, current) -> {
            if (current == null) { // left meanwhile: the turn is ours
                waiter.admission = Admission.AT_ONCE;
                return TAKEN;
            }
            Line line = current == TAKEN ? new Line() : (Line) current;
            line.waiting.addLast(waiter);
            return line;
        });
        if (waiter.admission != null) {
            return waiter.admission;
        }
        beforeWaiting.waiting(request, lockName);
        return awaitTurn(key, waiter, deadlineNanos);
    }

    /**
     * For a holder about to release {@code key}: takes the first thread in line out of it for a
     * hand-over, when its turn would be one to ask at once (not a {@link Turn#YIELD}: then the holder
     * releases as usual and leaves). The holder must then call {@link Successor#handedOver} or
     * {@link Successor#notHandedOver} once; the turn goes with it, the holder does not {@link #leave}.
     *
     * @return the successor, or null when nobody waits or the next turn yields to other JVMs
     */
    @Nullable Successor takeSuccessor(String key) {
        if (!(turns.get(key) instanceof Line)) {
            // Nobody in line, the common case: no remapping function and no result holder to allocate.
            // A thread that joins the line after this read finds the turn left and takes it at once.
            return null;
        }
        Successor[] taken = {null};
        turns.computeIfPresent(key, (k, current) -> {
            if (current instanceof Line line && !line.waiting.isEmpty() && line.localHandOffs < maxLocalHandOffs) {
                Waiter next = line.waiting.pollFirst();
                line.localHandOffs++;
                next.handingOver = true;
                taken[0] = new Successor(next);
            }
            return current;
        });
        return taken[0];
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
            next.admit(Admission.of(turn));
            return line;
        });
    }

    /** How many keys have a turn taken now; for tests of the gate's memory. */
    int keysWithTurns() {
        return turns.size();
    }

    private @Nullable Admission awaitTurn(String key, Waiter waiter, long deadlineNanos) throws InterruptedException {
        while (true) {
            Admission admission = waiter.admission;
            if (admission != null) {
                return admission;
            }
            if (Thread.interrupted()) {
                Admission handedOver = giveUp(key, waiter, true);
                if (handedOver == null) {
                    throw new InterruptedException("Interrupted while waiting in line for lock '" + key + "'");
                }
                return handedOver;
            }
            long remaining = deadlineNanos - clock.nanoTime();
            if (remaining <= 0) {
                return giveUp(key, waiter, false);
            }
            LockSupport.parkNanos(this, remaining);
        }
    }

    /**
     * Leaves the line; a turn that reached this waiter meanwhile goes on to the next one, as it came.
     * A waiter already chosen for a hand-over waits for the store's answer first and keeps a grant.
     *
     * @return the handed-over grant, else null
     */
    private @Nullable Admission giveUp(String key, Waiter waiter, boolean interrupted) {
        boolean[] inLine = {false};
        turns.computeIfPresent(key, (k, current) -> {
            if (current instanceof Line line) {
                inLine[0] = line.waiting.remove(waiter);
            }
            return current;
        });
        if (inLine[0]) {
            return null;
        }
        Admission admission = waiter.handingOver ? awaitHandOver(waiter, interrupted) : waiter.admission;
        if (admission != null && admission.grant() != null) {
            return admission;
        }
        if (admission != null) {
            handOn(key, false, admission.turn() == Turn.YIELD);
        }
        return null;
    }

    /** Waits, through interrupts (restored), for the holder's hand-over call: bounded by its operation timeout. */
    private static Admission awaitHandOver(Waiter waiter, boolean interrupted) {
        Admission admission;
        while ((admission = waiter.admission) == null) {
            LockSupport.park(waiter);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return admission;
    }

    /** The first thread in line, taken out of it by a releasing holder for a hand-over. */
    static final class Successor {
        private final Waiter waiter;

        private Successor(Waiter waiter) {
            this.waiter = waiter;
        }

        /** What the successor would ask the store. */
        AcquireRequest request() {
            return waiter.request;
        }

        /** The store granted the successor's request: it holds the key, and the turn with it. */
        void handedOver(Grant grant) {
            waiter.admit(new Admission(null, grant, false));
        }

        /**
         * No grant for the successor: the store said no ({@code ownerSpent} false) or did not answer
         * (true); it gets the turn and asks the store itself.
         */
        void notHandedOver(boolean ownerSpent) {
            waiter.admit(ownerSpent ? Admission.AFTER_UNANSWERED_HAND_OVER : Admission.AT_ONCE);
        }
    }

    /** The threads waiting in line for one key, guarded by the map's lock on the key's entry. */
    private static final class Line {
        private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(4);
        private int localHandOffs;
    }

    private static final class Waiter {
        private final Thread thread;
        private final AcquireRequest request;
        private volatile @Nullable Admission admission;
        /** Taken out of the line by a holder for a hand-over: its admission follows the store's answer. */
        private volatile boolean handingOver;

        private Waiter(Thread thread, AcquireRequest request) {
            this.thread = thread;
            this.request = request;
        }

        private void admit(Admission given) {
            admission = given;
            LockSupport.unpark(thread);
        }
    }
}
