package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;

/** A listener that throws changes nothing about the lock: it is logged, and the engine goes on. */
class ListenerIsolationTest {

    private static final LockOptions SHORT = LockOptions.of(Duration.ofMillis(300), Duration.ZERO);

    private final ScriptedBackend backend = new ScriptedBackend();
    private final LockEngine other = LockEngine.builder(backend).namespace("test").build();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").events(new ThrowingListener()).build();

    @AfterEach
    void close() {
        engine.close();
        other.close();
    }

    @Test
    void throwingListenerNeitherFailsTheAcquisitionNorLeaksTheLock() {
        Lease lease = engine.acquire("k", SHORT);
        assertThat(lease.isValid()).isTrue();
        lease.close();
        assertThat(backend.releaseCalls).hasValue(1);
        assertThat(other.tryAcquire("k", SHORT)).isPresent().get().satisfies(Lease::close);
    }

    @Test
    void throwingListenerDoesNotEndRenewals() {
        try (Lease lease = engine.acquire("k", SHORT)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.appliedRenewals.size() >= 4);
            assertThat(lease.isValid()).isTrue();
        }
    }

    private static final class ThrowingListener implements LockEventListener {

        @Override
        public void acquired(String name, String key, long fencingToken, Duration waited) {
            throw new IllegalStateException("listener bug (acquired)");
        }

        @Override
        public void released(String name, String key, Duration held) {
            throw new IllegalStateException("listener bug (released)");
        }

        @Override
        public void renewed(String name, String key, boolean extended) {
            throw new IllegalStateException("listener bug (renewed)");
        }
    }
}
