package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;

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

    /** No RETURNING in standard SQL: one UPDATE per 100 leases, a read-back only for a chunk with a lost lease. */
    @Test
    void renewAllOfTwoHundredHeldLeasesTakesAStatementPerHundred() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, "portable-renew-all")) {
            StatementCountingDataSource counting = new StatementCountingDataSource(database.pool());
            try (JdbcLockBackend backend = JdbcLockBackend.create(JdbcSettings.builder(counting)
                    .dialect(JdbcDialect.PORTABLE).initializeSchema(true).build())) {
                List<RenewRequest> held = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    RenewRequest lease = new RenewRequest("portable:" + UUID.randomUUID(), owner(), LEASE);
                    assertThat(backend.tryAcquire(new AcquireRequest(lease.key(), lease.owner(), LEASE, false)))
                            .isInstanceOf(AcquireResult.Granted.class);
                    held.add(lease);
                }
                held.add(7, new RenewRequest("portable:" + UUID.randomUUID(), owner(), LEASE));
                counting.takeCount();

                List<Boolean> extended = backend.renewAll(held).stream().map(RenewResult::extended).toList();

                assertThat(extended).as("the lease without a row, at index 7").hasSize(201).containsOnlyOnce(false)
                        .element(7).isEqualTo(false);
                assertThat(counting.takeCount()).as("round trips: 3 chunks, one read back").isEqualTo(4);
            }
        }
    }
}
