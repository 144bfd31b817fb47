package dev.distlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;

class LockContextTest {

    private final LockEngine engine = LockEngine.builder(new InMemoryLockBackend()).build();
    private final LockOptions options = LockOptions.of(Duration.ofSeconds(30), Duration.ZERO);

    @Test
    void currentLeaseIsTheInnermostBoundOne() {
        assertThat(LockContext.currentLease()).isEmpty();
        engine.callLocked("outer", options, () -> {
            Lease outer = LockContext.currentLease().orElseThrow();
            assertThat(outer.key()).isEqualTo("distlock:outer");
            engine.callLocked("inner", options, () -> {
                assertThat(LockContext.currentLease()).get().extracting(Lease::key).isEqualTo("distlock:inner");
                return null;
            });
            assertThat(LockContext.currentLease()).containsSame(outer);
            return null;
        });
        assertThat(LockContext.currentLease()).isEmpty();
    }

    @Test
    void fencedIsTheInnermostBindsOwnFlag() {
        assertThat(LockContext.currentLeaseFenced()).isFalse();
        try (Lease outer = engine.acquire("outer", options); LockContext.Scope fenced = LockContext.bind(outer, true)) {
            assertThat(LockContext.currentLeaseFenced()).isTrue();
            try (Lease inner = engine.acquire("inner", options); LockContext.Scope plain = LockContext.bind(inner)) {
                assertThat(LockContext.currentLeaseFenced()).isFalse();
            }
            assertThat(LockContext.currentLeaseFenced()).isTrue();
        }
        assertThat(LockContext.currentLeaseFenced()).isFalse();
        assertThat(LockContext.currentLease()).isEmpty();
    }

    @Test
    void aScopeClosedOutOfOrderLeavesTheInnerOneCurrentAndIsGoneOnceThatCloses() {
        try (Lease outer = engine.acquire("outer", options); Lease inner = engine.acquire("inner", options)) {
            LockContext.Scope outerScope = LockContext.bind(outer);
            LockContext.Scope innerScope = LockContext.bind(inner);

            outerScope.close();
            assertThat(LockContext.currentLease()).containsSame(inner);

            innerScope.close();
            assertThat(LockContext.currentLease()).isEmpty();
        }
    }

    @Test
    void aScopeClosedOnAnotherThreadEndsThereAndTheBindingThreadNoLongerSeesIt() throws Exception {
        try (Lease outer = engine.acquire("outer", options); Lease inner = engine.acquire("inner", options)) {
            LockContext.Scope outerScope = LockContext.bind(outer);
            LockContext.Scope innerScope = LockContext.bind(inner);

            CompletableFuture.runAsync(innerScope::close).get(10, TimeUnit.SECONDS);
            assertThat(LockContext.currentLease()).containsSame(outer);

            outerScope.close();
            assertThat(LockContext.currentLease()).isEmpty();
        }
    }

    @Test
    void closingAScopeTwiceChangesNothing() {
        try (Lease outer = engine.acquire("outer", options); Lease inner = engine.acquire("inner", options)) {
            LockContext.Scope outerScope = LockContext.bind(outer);
            LockContext.Scope innerScope = LockContext.bind(inner);
            innerScope.close();

            innerScope.close();

            assertThat(LockContext.currentLease()).containsSame(outer);
            outerScope.close();
        }
    }

    @Test
    void runIfAcquiredSaysWhetherItRan() {
        try (Lease held = engine.acquire("busy", options)) {
            boolean ran = CompletableFuture
                    .supplyAsync(() -> engine.runIfAcquired("busy", options, () -> { }))
                    .join();
            assertThat(ran).isFalse();
        }
        assertThat(engine.runIfAcquired("busy", options, () -> { })).isTrue();
    }
}
