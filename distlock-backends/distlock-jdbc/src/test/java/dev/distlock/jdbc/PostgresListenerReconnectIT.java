package dev.distlock.jdbc;

import static dev.distlock.testsupport.BackendCalls.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.WaitSettings;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.testsupport.FaultProxy;

/**
 * The release listener's connection dies without a word (a failover without RST, a proxy that
 * dropped it as idle): no byte passes on it any more and none ever will, while new connections reach
 * the database. The listener must notice on its own and listen again, or waiters would hear of no
 * release and fall back to their safety poll for good.
 */
class PostgresListenerReconnectIT {

    /** Longer than the test may run: only a notification can wake the waiter. */
    private static final Duration SAFETY_POLL = Duration.ofMinutes(2);
    private static final Duration LEASE = Duration.ofSeconds(60);

    @Test
    void aReleaseWakesAWaiterAfterTheListenersConnectionWasSilentlyDropped() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, "listener_drop");
             FaultProxy oldPath = FaultProxy.to(database.port())) {
            JdbcLockBackend holder = JdbcLockBackend.create(JdbcSettings.builder(database.pool())
                    .initializeSchema(true).build());
            SwitchableDataSource waiterDataSource = new SwitchableDataSource(database.poolOn(oldPath.port()));
            PostgresJdbcLockBackend waiterBackend = (PostgresJdbcLockBackend) JdbcLockBackend.create(
                    JdbcSettings.builder(waiterDataSource).statementTimeout(Duration.ofSeconds(1)).build());
            LockEngine waiter = LockEngine.builder(waiterBackend).namespace("listener-drop")
                    .waitSettings(new WaitSettings(SAFETY_POLL, SAFETY_POLL, SAFETY_POLL)).build();
            String key = waiter.fullKey("job");
            String holderOwner = owner();
            assertThat(holder.tryAcquire(new AcquireRequest(key, holderOwner, LEASE, false)))
                    .isInstanceOf(AcquireResult.Granted.class);

            FutureTask<Optional<Lease>> waiting = new FutureTask<>(
                    () -> waiter.tryAcquireFullKey(key, LockOptions.of(LEASE, Duration.ofSeconds(60))));
            Thread waitingThread = new Thread(waiting, "listener-drop-waiter");
            waitingThread.start();
            // Parked between attempts, not inside one: an attempt still in flight on the old path would
            // fail with the operation timeout once the path goes silent, which is not what this test is about.
            await().atMost(Duration.ofSeconds(10)).until(() -> waiterBackend.listener().sessions() == 1
                    && parkedBetweenAttempts(waitingThread));

            oldPath.blackhole(); // for good: the old path never delivers another byte
            waiterDataSource.switchTo(database.pool());

            await("the listener listening again on a new connection").atMost(Duration.ofSeconds(20))
                    .until(() -> waiterBackend.listener().sessions() >= 2);
            assertThat(holder.release(key, holderOwner)).isTrue();

            Optional<Lease> lease = waiting.get(10, TimeUnit.SECONDS);
            assertThat(lease).as("the waiter, woken by the release").isPresent();
            lease.get().close();
            waiter.close();
            waiterBackend.close();
            holder.close();
        }
    }

    private static boolean parkedBetweenAttempts(Thread thread) {
        return thread.getState() == Thread.State.TIMED_WAITING && Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals("dev.distlock.engine.AcquireLoop")
                        && frame.getMethodName().equals("pause"));
    }
}
