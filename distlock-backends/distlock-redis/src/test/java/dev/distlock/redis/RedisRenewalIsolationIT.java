package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.testsupport.RedisServerFixture;

/**
 * Renewals that hang on a paused store (SIGSTOP: no answer, no error) do not hold up the renewal
 * of a lock on a healthy store in the same JVM: before issue 12, two shared scheduler threads ran
 * every renewal, and two calls blocked for the client's 60 s command timeout starved all others.
 */
class RedisRenewalIsolationIT {

    /** Renewed every third of it; one missed renewal round and a half loses it. */
    private static final LockOptions SHORT_LEASE = LockOptions.of(Duration.ofSeconds(3), Duration.ZERO);
    /** More hanging renewals than any small pool of renewal threads. */
    private static final int LOCKS_ON_THE_PAUSED_STORE = 8;

    @Test
    void aLockOnAHealthyStoreStaysValidWhileRenewalsOnAPausedStoreHang() {
        try (RedisServerFixture paused = RedisServerFixture.start(); RedisServerFixture healthy = RedisServerFixture.start()) {
            LettuceConnectionFactory pausedFactory = RedisTestConnections.factory(paused);
            LettuceConnectionFactory healthyFactory = RedisTestConnections.factory(healthy);
            LockEngine stuck = LockEngine.builder(new RedisLockBackend(pausedFactory)).build();
            LockEngine fine = LockEngine.builder(new RedisLockBackend(healthyFactory)).build();
            try {
                List<Lease> hanging = new ArrayList<>();
                for (int i = 0; i < LOCKS_ON_THE_PAUSED_STORE; i++) {
                    hanging.add(stuck.tryAcquire("hanging-" + i, SHORT_LEASE).orElseThrow());
                }
                Lease healthyLease = fine.tryAcquire("healthy", SHORT_LEASE).orElseThrow();

                paused.server().pause();

                Awaitility.await("the lock on the healthy store stays valid through several renewals")
                        .during(SHORT_LEASE.lease().multipliedBy(3)).atMost(SHORT_LEASE.lease().multipliedBy(4))
                        .pollInterval(Duration.ofMillis(100))
                        .until(healthyLease::isValid);
                assertThat(hanging).as("the paused store's locks could not be confirmed").noneMatch(Lease::isValid);
                healthyLease.close();
            } finally {
                paused.server().resume();
                fine.close();
                stuck.close();
                fine.backend().close();
                stuck.backend().close();
                pausedFactory.destroy();
                healthyFactory.destroy();
            }
        }
    }
}
