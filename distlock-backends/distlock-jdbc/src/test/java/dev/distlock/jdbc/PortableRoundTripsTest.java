package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/** The round trips of portable SQL, on H2, as docs/backends/jdbc.md gives them beside the other dialects'. */
class PortableRoundTripsTest {

    private static final Duration LEASE = Duration.ofSeconds(60);

    @Test
    void uncontendedAcquireAndReleaseAndADeniedAttemptTakeTheirRoundTrips() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, "portable-round-trips")) {
            StatementCountingDataSource counting = new StatementCountingDataSource(database.pool());
            try (JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(counting)
                    .dialect(JdbcDialect.PORTABLE).initializeSchema(true).build())) {
                String key = "portable:" + UUID.randomUUID();
                String holder = owner();
                counting.takeCount();
                assertThat(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)))
                        .isInstanceOf(AcquireResult.Granted.class);
                assertThat(backend.release(key, holder)).isTrue();
                int uncontended = counting.takeCount();

                assertThat(backend.tryAcquire(new AcquireRequest(key, holder, LEASE, false)))
                        .isInstanceOf(AcquireResult.Granted.class);
                counting.takeCount();
                assertThat(backend.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                        .isInstanceOf(AcquireResult.Denied.class);
                int denied = counting.takeCount();

                assertThat(new int[] {uncontended, denied}).as("round trips of acquire+release, of a denied attempt")
                        .containsExactly(8, 3);
            }
        }
    }
}
