package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.awaitility.Awaitility;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.support.Causes;

/** What the store-fault contracts share: fresh keys, a first lock on a new backend, the failure they expect. */
final class StoreFaultCalls {

    static final LockOptions NO_WAIT = LockOptions.of(Duration.ofSeconds(10), Duration.ZERO);

    private StoreFaultCalls() {
    }

    static String key() {
        return "store-fault:" + UUID.randomUUID();
    }

    /** The first lock on a new backend; its connections may still be being made. */
    static Lease firstLock(LockEngine engine) {
        return Awaitility.await("the first lock on a new backend").atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(LockBackendException.class)
                .until(() -> engine.tryAcquire(key(), NO_WAIT), Optional::isPresent).orElseThrow();
    }

    /** The store could not be asked: a LockBackendException, maybe wrapped, never "held by another". */
    static void assertStoreFailure(Throwable thrown) {
        assertThat(Causes.find(thrown, LockBackendException.class)).as("a LockBackendException in the chain of %s", thrown).isPresent();
    }
}
