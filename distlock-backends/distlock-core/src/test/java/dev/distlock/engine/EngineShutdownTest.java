package dev.distlock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;

/** Shutdown: nothing new is granted, and a lock whose method still runs is not freed under it. */
class EngineShutdownTest {

    private static final LockOptions LONG = LockOptions.of(Duration.ofSeconds(60), Duration.ZERO);

    private final ScriptedBackend backend = new ScriptedBackend();
    private final RecordingEvents events = new RecordingEvents();
    private final LockEngine other = LockEngine.builder(backend).namespace("test").build();
    private final LockEngine engine = LockEngine.builder(backend).namespace("test").events(events).build();

    @AfterEach
    void close() {
        engine.close();
        other.close();
    }

    @Test
    void noAcquisitionAfterClose() {
        engine.close();
        assertThatThrownBy(() -> engine.tryAcquire("k", LONG))
                .isInstanceOf(LockNotAcquiredException.class)
                .hasMessageContaining("shut down");
        assertThat(backend.acquireCalls).hasValue(0);
    }

    @Test
    void closeDoesNotFreeALockWhoseMethodStillRuns() throws Exception {
        Lease running = engine.acquire("k", LONG);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
        awaitShutDown();

        assertThat(running.isValid()).isTrue();
        assertThat(other.tryAcquire("k", LONG)).as("still held by the running method").isEmpty();

        running.close(); // the method ends
        closing.get(10, TimeUnit.SECONDS);
        assertThat(backend.releaseCalls).hasValue(1);
        assertThat(other.tryAcquire("k", LONG)).isPresent().get().satisfies(Lease::close);
    }

    @Test
    void lockWhoseMethodOutlastsTheShutdownTimeoutIsMarkedLostNotFreed() {
        LockEngine closing = LockEngine.builder(backend).namespace("test").events(events)
                .shutdownTimeout(Duration.ofMillis(200)).build();
        Lease[] running = new Lease[1];
        CompletableFuture.runAsync(() -> running[0] = closing.acquire("k", LONG)).join(); // held by a thread that is not closing

        closing.close();

        assertThat(running[0].isValid()).isFalse();
        assertThat(events.count("lost test:k: the lock engine shut down")).isEqualTo(1);
        assertThat(backend.releaseCalls).as("not freed under the running method").hasValue(0);
        assertThat(other.tryAcquire("k", LONG)).isEmpty();
    }

    @Test
    void releaseDuringShutdownIsReportedOnce() throws Exception {
        Lease running = engine.acquire("k", LONG.withHoldAtLeast(Duration.ofMillis(300)));
        CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
        awaitShutDown();
        running.close();
        closing.get(10, TimeUnit.SECONDS);

        assertThat(events.count("released")).isEqualTo(1);
    }

    /** Until the engine refuses new acquisitions, i.e. its shutdown has begun. */
    private void awaitShutDown() {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                engine.tryAcquire("probe", LONG).ifPresent(Lease::close);
                return false;
            } catch (LockNotAcquiredException e) {
                return true;
            }
        });
    }
}
