package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/** A thread holds a lock only while it is inside a synchronous locked call; async holds are no thread's. */
class AsyncHoldTest {

    private static final LockOptions LONG = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);

    private final ScriptedBackend backend = new ScriptedBackend();
    private final LockEngine other = LockEngine.builder(backend).namespace("test").build();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").build();

    @AfterEach
    void close() {
        engine.close();
        other.close();
    }

    @Test
    void asyncWorkStartedInsideASyncHoldKeepsTheThreadOutAfterTheSyncCallReturns() {
        Lease outer = engine.acquire("k", LONG);
        EngineLease async = (EngineLease) engine.acquire("k", LONG); // a CompletableFuture method, same key
        async.detachFromThread();
        outer.close(); // the synchronous method returned; its future is still running

        assertThat(engine.tryAcquire("k", LONG)).as("the thread is no holder any more").isEmpty();
        assertThat(other.tryAcquire("k", LONG)).isEmpty();
        assertThat(backend.releaseCalls).hasValue(0);

        async.close();
        assertThat(backend.releaseCalls).hasValue(1);
        assertThat(engine.tryAcquire("k", LONG)).isPresent().get().satisfies(Lease::close);
    }

    @Test
    void syncHoldsKeepReenteringWhileAnAsyncHoldOfTheSameKeyRuns() {
        try (Lease outer = engine.acquire("k", LONG)) {
            EngineLease async = (EngineLease) engine.acquire("k", LONG);
            async.detachFromThread();
            try (Lease inner = engine.acquire("k", LONG)) {
                assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
            }
            async.close();
            assertThat(outer.isValid()).isTrue();
            assertThat(backend.releaseCalls).hasValue(0);
        }
        assertThat(backend.releaseCalls).hasValue(1);
    }

    @Test
    void asyncHoldThatEndsAfterTheSyncHoldReleasesOnce() {
        Lease outer = engine.acquire("k", LONG);
        EngineLease first = (EngineLease) engine.acquire("k", LONG);
        first.detachFromThread();
        EngineLease second = (EngineLease) engine.acquire("k", LONG);
        second.detachFromThread();
        outer.close();
        first.close();
        assertThat(backend.releaseCalls).hasValue(0);
        second.close();
        assertThat(backend.releaseCalls).hasValue(1);
    }
}
