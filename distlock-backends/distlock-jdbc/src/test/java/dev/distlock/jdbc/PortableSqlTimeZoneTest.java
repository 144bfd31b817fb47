package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * The portable SQL writes {@code CURRENT_TIMESTAMP} into the lock table. It must store an instant:
 * a wall-clock time read back in another offset (a daylight-saving change, a session in another
 * time zone) would move every lease by the offset change. Run on H2 with the portable dialect.
 */
class PortableSqlTimeZoneTest {

    private static final Duration LEASE = Duration.ofSeconds(60);

    private final TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, "portable_tz");

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    @Test
    void leaseTakenInTheHourThatRepeatsAfterTheClocksWentBackHolds() {
        // Ten minutes after the change: every wall-clock time of this session also existed an hour ago.
        DaylightSavingZone zone = DaylightSavingZone.clocksGoBackAt(Instant.now().minus(Duration.ofMinutes(10)));
        JdbcLockBackend holder = backendInTimeZone(zone.id(), true);
        JdbcLockBackend other = backendInTimeZone(zone.id(), false);
        String key = "portable:dst";
        String owner = owner();

        assertThat(holder.tryAcquire(new AcquireRequest(key, owner, LEASE, false)))
                .isInstanceOf(AcquireResult.Granted.class);
        assertThat(other.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                .as("a second client during the lease").isInstanceOf(AcquireResult.Denied.class);
        assertThat(holder.renew(key, owner, LEASE)).as("the holder's renewal").isTrue();
        assertThat(holder.release(key, owner)).isTrue();
        holder.close();
        other.close();
    }

    @Test
    void clientsInFarApartSessionTimeZonesAgreeOnTheLease() {
        JdbcLockBackend west = backendInTimeZone("-12:00", true);
        JdbcLockBackend east = backendInTimeZone("+13:00", false);
        String key = "portable:zones";
        String westOwner = owner();

        // The west session's wall clock is 25 hours behind the east one's.
        assertThat(west.tryAcquire(new AcquireRequest(key, westOwner, LEASE, false)))
                .isInstanceOf(AcquireResult.Granted.class);
        assertThat(east.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)))
                .as("a client in a session 25 hours ahead").isInstanceOf(AcquireResult.Denied.class);
        assertThat(west.release(key, westOwner)).isTrue();

        String eastOwner = owner();
        assertThat(east.tryAcquire(new AcquireRequest(key, eastOwner, Duration.ofSeconds(1), false)))
                .as("after the release").isInstanceOf(AcquireResult.Granted.class);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> west.tryAcquire(new AcquireRequest(key, owner(), LEASE, false)) instanceof AcquireResult.Granted);
        assertThat(east.renew(key, eastOwner, LEASE)).as("renewal after the lease ran out").isFalse();
        west.close();
        east.close();
    }

    private JdbcLockBackend backendInTimeZone(String zone, boolean initializeSchema) {
        return JdbcLockBackend.create(JdbcSettings.builder(
                        database.pool(config -> config.setConnectionInitSql("SET TIME ZONE '" + zone + "'")))
                .dialect(JdbcDialect.PORTABLE).initializeSchema(initializeSchema).build());
    }
}
