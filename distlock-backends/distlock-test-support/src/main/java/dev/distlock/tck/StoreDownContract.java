package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.TimedCall;

/**
 * What a user relies on when the store dies under a running application (issue 12, item 3): no
 * call to the store waits longer than distlock's operation timeout (1 s by default), and shutdown
 * never hangs on a dead store. A backend module extends this with a store of its own, built as the
 * auto-configuration builds it (the client's own defaults, which alone wait 5 s to minutes).
 *
 * <p>Two faults: the process {@link Fault#KILLED} (connections reset, new ones refused), and the
 * process {@link Fault#PAUSED} (SIGSTOP, or a proxy that passes no byte: requests go unanswered,
 * as in a partition). The bounds are liveness contracts with a margin for a loaded machine, not
 * speed tests.
 */
public abstract class StoreDownContract {

    /** The engine's default {@code operationTimeout}, which these tests do not set. */
    protected static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(1);
    /** The operation timeout, and scheduling slack on a busy 2-core machine. */
    protected static final Duration BOUND = OPERATION_TIMEOUT.plusMillis(1_500);
    /** How long a hanging call may block the test before it fails with what it was doing. */
    protected static final Duration GIVE_UP = Duration.ofSeconds(30);

    public enum Fault { KILLED, PAUSED }

    /** A store of one's own for one test, and the way to hurt it. */
    protected interface Store extends AutoCloseable {

        /** A backend connected to the store as an application's would be, with the module's defaults. */
        LockBackend newBackend();

        /** kill -9 of the server, or closing every connection and refusing new ones. */
        void kill();

        /** SIGSTOP of the server, or a proxy that passes nothing: connections stay open, no answer comes. */
        void pause();

        /** Stops the server, after {@link #pause()} too. */
        @Override
        void close();
    }

    /** Starts a new store, reachable at once. */
    protected abstract Store startStore();

    @ParameterizedTest(name = "store {0}")
    @EnumSource(Fault.class)
    void tryAcquireWithoutWaitingFailsWithinTheOperationTimeout(Fault fault) {
        try (Store store = startStore()) {
            LockBackend backend = store.newBackend();
            LockEngine engine = LockEngine.builder(backend).build();
            try {
                warmUp(engine);
                hurt(store, fault);

                TimedCall attempt = TimedCall.of("tryAcquire(waitFor = 0) with the store " + fault, GIVE_UP,
                        () -> engine.tryAcquire(StoreFaultCalls.key(), StoreFaultCalls.NO_WAIT));

                assertThat(attempt.finishedWithin(BOUND)).as("%s; expected within %s", attempt, BOUND).isTrue();
                assertThat(attempt.thrown()).as(attempt.toString()).satisfies(StoreFaultCalls::assertStoreFailure);
            } finally {
                closeAll(engine, backend);
            }
        }
    }

    @ParameterizedTest(name = "store {0}")
    @EnumSource(Fault.class)
    void shutdownWhileAMethodHoldsALockAndTheStoreIsDeadEndsWithinTheOperationTimeout(Fault fault) throws Exception {
        try (Store store = startStore()) {
            LockBackend backend = store.newBackend();
            LockEngine engine = LockEngine.builder(backend).build();
            HoldingThread job = HoldingThread.start(engine);
            hurt(store, fault);

            // The job ends as the application shuts down: its release to the dead store is bounded,
            // and the engine waits for it no longer than that.
            TimedCall engineClose = TimedCall.ofRunnable("engine.close() as a method holding a lock ends, store " + fault,
                    GIVE_UP, () -> {
                        job.finish();
                        engine.close();
                    });
            TimedCall backendClose = TimedCall.ofRunnable("backend.close() with the store " + fault, GIVE_UP, backend::close);

            report(engineClose, backendClose);
        }
    }

    @ParameterizedTest(name = "store {0}")
    @EnumSource(Fault.class)
    void shutdownWhileAThreadWaitsForALockAndTheStoreIsDeadEndsWithinTheOperationTimeout(Fault fault) throws Exception {
        try (Store store = startStore()) {
            LockBackend otherBackend = store.newBackend();
            // Not under test: its lock is held by a polling thread, so shutdown need not wait for it.
            LockEngine otherInstance = LockEngine.builder(otherBackend).shutdownTimeout(Duration.ZERO).build();
            LockBackend backend = store.newBackend();
            LockEngine engine = LockEngine.builder(backend).build();
            try {
                Lease heldElsewhere = StoreFaultCalls.firstLock(otherInstance);
                // The waiter subscribes to the store's release notifications (pub/sub, watch, LISTEN).
                Thread waiter = new Thread(() -> {
                    try {
                        engine.tryAcquire(heldElsewhere.key().substring(engine.namespace().length() + 1),
                                LockOptions.of(Duration.ofSeconds(10), Duration.ofSeconds(60)));
                    } catch (RuntimeException e) {
                        // the store died under it, or the engine shut down
                    }
                }, "store-down-waiter");
                waiter.setDaemon(true);
                waiter.start();
                Awaitility.await("a waiter").atMost(Duration.ofSeconds(10)).until(() -> !engine.waiters().isEmpty());
                hurt(store, fault);

                TimedCall engineClose = TimedCall.ofRunnable("engine.close() with a waiter, store " + fault, GIVE_UP, engine::close);
                TimedCall backendClose = TimedCall.ofRunnable("backend.close() with a waiter, store " + fault, GIVE_UP,
                        backend::close);

                report(engineClose, backendClose);
                waiter.interrupt();
            } finally {
                closeAll(otherInstance, otherBackend);
            }
        }
    }

    private void report(TimedCall engineClose, TimedCall backendClose) {
        assertThat(engineClose.finishedWithin(BOUND) && backendClose.finishedWithin(BOUND))
                .as("%s; %s; expected each within %s", engineClose, backendClose, BOUND).isTrue();
    }

    /** A running application has connected and locked before the store dies. */
    private static void warmUp(LockEngine engine) {
        StoreFaultCalls.firstLock(engine).close();
    }

    private static void hurt(Store store, Fault fault) {
        switch (fault) {
            case KILLED -> store.kill();
            case PAUSED -> store.pause();
        }
    }

    private static void closeAll(LockEngine engine, LockBackend backend) {
        TimedCall.ofRunnable("engine.close()", GIVE_UP, engine::close);
        TimedCall.ofRunnable("backend.close()", GIVE_UP, () -> {
            try {
                backend.close();
            } catch (Exception e) {
                // cleanup after the assertion that matters
            }
        });
    }
}
