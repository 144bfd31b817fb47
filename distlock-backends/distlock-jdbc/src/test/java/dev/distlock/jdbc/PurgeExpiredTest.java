package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/** The optional purge: it frees rows of idle keys, and that is exactly what restarts their counters. */
class PurgeExpiredTest {

    private final TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, "purge");
    private final JdbcLockBackend backend = JdbcLockBackend.create(
            JdbcLockSettings.builder(database.pool()).initializeSchema(true).build());

    @AfterEach
    void close() throws Exception {
        backend.close();
        database.close();
    }

    @Test
    void purgeDeletesOnlyLongExpiredRowsAndTheirCountersRestart() {
        AcquireRequest idle = new AcquireRequest("purge:idle", "a:1", Duration.ofMillis(1), false);
        AcquireRequest held = new AcquireRequest("purge:held", "b:1", Duration.ofSeconds(60), false);
        assertThat(backend.tryAcquire(idle)).isEqualTo(AcquireResult.granted(1));
        AcquireRequest next = new AcquireRequest("purge:idle", "a:2", Duration.ofMillis(1), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.tryAcquire(next) instanceof AcquireResult.Granted);
        assertThat(backend.tryAcquire(next)).as("the counter so far").isIn(AcquireResult.granted(2),
                AcquireResult.granted(3));
        assertThat(backend.tryAcquire(held)).isEqualTo(AcquireResult.granted(1));

        assertThat(backend.purgeExpired(Duration.ofHours(1))).as("nothing idle for an hour").isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.purgeExpired(Duration.ofMillis(50)) == 1);

        assertThat(backend.tryAcquire(new AcquireRequest("purge:held", "c:1", Duration.ofSeconds(60), false)))
                .as("a running lease is never purged").isInstanceOf(AcquireResult.Denied.class);
        assertThat(backend.tryAcquire(new AcquireRequest("purge:idle", "a:3", Duration.ofSeconds(60), false)))
                .as("the trade-off: a purged key's token starts again").isEqualTo(AcquireResult.granted(1));
    }
}
