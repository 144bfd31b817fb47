package dev.distlock.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;

class FencingTokenTest {

    private final LockEngine locks = LockEngine.builder(new InMemoryLockBackend()).namespace("fencing").build();
    private final LockOptions options = LockOptions.of(Duration.ofSeconds(30), Duration.ZERO);

    @AfterEach
    void close() {
        locks.close();
    }

    @Test
    void currentIsTheTokenOfTheInnermostLease() {
        try (Lease lease = locks.acquire("k", options); LockContext.Scope bound = LockContext.bind(lease)) {
            FencingToken token = FencingToken.current();
            assertThat(token.value()).isEqualTo(lease.fencingToken());
            assertThat(token.lockKey()).isEqualTo("fencing:k");
        }
    }

    @Test
    void withoutALeaseThereIsNoCurrentToken() {
        assertThatThrownBy(FencingToken::current).isInstanceOfSatisfying(LeaseRequiredException.class,
                e -> assertThat(e.lockKey()).isNull());
    }

    @Test
    void anInvalidLeaseStillGivesItsTokenWhenNotFenced() {
        Lease lease = locks.acquire("k", options);
        try (LockContext.Scope bound = LockContext.bind(lease)) {
            lease.close();
            assertThat(lease.isValid()).isFalse();
            // The store decides: it refuses the token once a newer holder has written.
            assertThat(FencingToken.current().value()).isEqualTo(lease.fencingToken());
        }
    }

    @Test
    void anInvalidLeaseGivesNoTokenWhenFenced() {
        Lease lease = locks.acquire("k", options);
        try (LockContext.Scope bound = LockContext.bind(lease, true)) {
            assertThat(FencingToken.current().value()).isEqualTo(lease.fencingToken());
            lease.close();
            assertThatThrownBy(FencingToken::current).isInstanceOfSatisfying(LeaseRequiredException.class,
                    e -> assertThat(e.lockKey()).isEqualTo("fencing:k")).hasMessageContaining("no longer valid");
        }
    }

    @Test
    void aTokenPassedByHandIsNeverNegative() {
        assertThat(FencingToken.of(0).value()).isZero();
        assertThatThrownBy(() -> FencingToken.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
