package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * The purge: it deletes rows that holders never released, only once they have been expired for the
 * idle time, and a purged key's next token is still above its earlier ones.
 */
class PurgeExpiredTest {

    private final TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, "purge");
    private final JdbcLockBackend backend = JdbcLockBackend.create(
            JdbcSettings.builder(database.pool()).initializeSchema(true).purgeExpiredAfter(null).build());

    @AfterEach
    void close() throws Exception {
        backend.close();
        database.close();
    }

    @Test
    void purgeDeletesOnlyLongExpiredRowsAndTokensKeepGrowing() {
        AcquireRequest abandoned = new AcquireRequest("purge:idle", "a:1", Duration.ofMillis(1), false);
        AcquireRequest held = new AcquireRequest("purge:held", "b:1", Duration.ofSeconds(60), false);
        long abandonedToken = token(backend.tryAcquire(abandoned));
        token(backend.tryAcquire(held));

        assertThat(backend.purgeExpired(Duration.ofHours(1))).as("nothing idle for an hour").isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.purgeExpired(Duration.ofMillis(50)) == 1);

        assertThat(backend.tryAcquire(new AcquireRequest("purge:held", "c:1", Duration.ofSeconds(60), false)))
                .as("a running lease is never purged").isInstanceOf(AcquireResult.Denied.class);
        assertThat(token(backend.tryAcquire(new AcquireRequest("purge:idle", "a:2", Duration.ofSeconds(60), false))))
                .as("a purged key's next token").isGreaterThan(abandonedToken);
    }

    @Test
    void purgeIsOnByDefaultAfterAnHour() {
        assertThat(JdbcSettings.builder(database.pool()).build().purgeExpiredAfter()).isEqualTo(Duration.ofHours(1));
    }

    private static long token(AcquireResult result) {
        assertThat(result).isInstanceOf(AcquireResult.Granted.class);
        return ((AcquireResult.Granted) result).fencingToken();
    }
}
