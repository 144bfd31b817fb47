package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.WaitSettings;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LockBackend;

/**
 * The contract every backend passes, against a real server. A backend's test extends this class
 * and hands it {@link #newBackend()}: each call must return an independent instance on the same
 * store, as a separate JVM would have. Tests use fresh random keys, so one server serves them all.
 * A test of an ability that not every backend has ({@link ProvesCapability}) shows as skipped where
 * the backend does not claim it, and the class fails where the backend claims it but the test did
 * not run ({@link CapabilityGate}).
 */

public abstract class LockBackendContract extends ExclusionContract {

    @Test
    @ProvesCapability(ContractCapability.RELEASE_NOTIFICATIONS)
    void waiterIsWokenByReleaseWithoutPolling() throws Exception {
        LockBackend holderBackend = backend();
        String key = key("notified");
        String holder = owner();
        token(holderBackend.tryAcquire(request(key, holder, LONG_LEASE)));
        // The waiter's safety poll is longer than this test may run: only the notification can wake it.
        LockEngine waiter = LockEngine.builder(backend()).namespace(namespace())
                .waitSettings(new WaitSettings(Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofMinutes(2)))
                .build();
        CompletableFuture<Optional<Lease>> waiting = CompletableFuture.supplyAsync(
                () -> waiter.tryAcquireFullKey(key, LockOptions.of(LONG_LEASE, Duration.ofSeconds(60))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !waiter.waiters().isEmpty());

        assertThat(holderBackend.release(key, holder)).isTrue();

        Optional<Lease> lease = waiting.get(20, TimeUnit.SECONDS);
        assertThat(lease).isPresent();
        lease.get().close();
    }

    @Test
    @ProvesCapability(ContractCapability.FAIR)
    void fairBackendsGrantInRequestOrder() {
        LockBackend holderBackend = backend();
        LockBackend firstBackend = backend();
        LockBackend secondBackend = backend();
        LockBackend thirdBackend = backend();
        String key = key("fair");
        AcquireRequest holder = fairRequest(key, owner());
        AcquireRequest first = fairRequest(key, owner());
        AcquireRequest second = fairRequest(key, owner());
        AcquireRequest third = fairRequest(key, owner());
        token(holderBackend.tryAcquire(holder));
        assertThat(firstBackend.tryAcquire(first)).isInstanceOf(AcquireResult.Denied.class);
        assertThat(secondBackend.tryAcquire(second)).isInstanceOf(AcquireResult.Denied.class);
        assertThat(thirdBackend.tryAcquire(third)).isInstanceOf(AcquireResult.Denied.class);

        assertThat(holderBackend.release(key, holder.owner())).isTrue();

        assertThat(thirdBackend.tryAcquire(third)).as("third, asked last").isInstanceOf(AcquireResult.Denied.class);
        assertThat(secondBackend.tryAcquire(second)).as("second").isInstanceOf(AcquireResult.Denied.class);
        long firstToken = token(firstBackend.tryAcquire(first));
        secondBackend.withdraw(key, second.owner()); // the second waiter gives up: the third moves up
        assertThat(firstBackend.release(key, first.owner())).isTrue();
        assertThat(token(thirdBackend.tryAcquire(third))).isGreaterThan(firstToken);
    }

    @Test
    void differentKeysAreIndependent() {
        LockBackend first = backend();
        LockBackend second = backend();

        token(first.tryAcquire(request(key("one"), owner(), LONG_LEASE)));
        token(second.tryAcquire(request(key("two"), owner(), LONG_LEASE)));
    }

    @Test
    void longKeysWork() {
        exclusiveAndReusable(key("long-" + "k".repeat(1024)));
    }

    @Test
    void nonAsciiKeysWork() {
        exclusiveAndReusable(key("заказ/订单/🔒 with spaces:colons*?"));
        exclusiveAndReusable(key("order/1"));
        exclusiveAndReusable(key("order/1/2"));
    }

    @Test
    void keysThatAreSlashPrefixesOfEachOtherAreIndependent() {
        LockBackend first = backend();
        LockBackend second = backend();
        String key = key("prefix");

        token(first.tryAcquire(request(key, owner(), LONG_LEASE)));
        token(second.tryAcquire(request(key + "/child", owner(), LONG_LEASE)));
        token(second.tryAcquire(request(key + "-sibling", owner(), LONG_LEASE)));
    }

    @Test
    void holdAtLeastKeepsTheLockAfterClose() {
        LockEngine holder = engine(backend());
        LockEngine other = engine(backend());
        String key = "held-" + UUID.randomUUID();
        LockOptions options = LockOptions.of(LONG_LEASE, Duration.ZERO).withHoldAtLeast(Duration.ofSeconds(2));

        holder.acquire(key, options).close();

        assertThat(other.tryAcquire(key, LockOptions.of(LONG_LEASE, Duration.ZERO))).isEmpty();
        Optional<Lease> later = other.tryAcquire(key, LockOptions.of(LONG_LEASE, Duration.ofSeconds(20)));
        assertThat(later).isPresent();
        later.get().close();
    }

    @Test
    @ProvesCapability(ContractCapability.HAND_OVER)
    void handOverFreesTheHolderAndGrantsTheNextOwnerALargerToken() {
        LockBackend backend = backend();
        LockBackend other = backend();
        String key = key("hand-over");
        String holder = owner();
        long holderToken = token(backend.tryAcquire(request(key, holder, LONG_LEASE)));
        AcquireRequest next = request(key, owner(), LONG_LEASE);

        long nextToken = token(((KeyHandOver) backend).handOver(key, holder, next));

        assertThat(nextToken).isGreaterThan(holderToken);
        assertThat(other.tryAcquire(request(key, owner(), LONG_LEASE))).as("held by the next owner")
                .isInstanceOf(AcquireResult.Denied.class);
        assertThat(backend.renew(key, holder, LONG_LEASE)).as("the former holder's lease").isFalse();
        assertThat(backend.release(key, holder)).isFalse();
        // The next owner's grant is the handing backend's, as the releaser's was (its session, on ZooKeeper).
        assertThat(backend.renew(key, next.owner(), LONG_LEASE)).isTrue();
        assertThat(backend.release(key, next.owner())).isTrue();
        assertThat(token(other.tryAcquire(request(key, owner(), LONG_LEASE)))).isGreaterThan(nextToken);
    }

    @Test
    @ProvesCapability(ContractCapability.HAND_OVER)
    void handOverByAnOwnerThatLostTheKeyLeavesItWithItsHolder() {
        LockBackend backend = backend();
        LockBackend other = backend();
        String key = key("hand-over-lost");
        String holder = owner();
        token(other.tryAcquire(request(key, holder, LONG_LEASE)));
        AcquireRequest next = request(key, owner(), LONG_LEASE);

        assertThat(((KeyHandOver) backend).handOver(key, owner(), next)).isInstanceOf(AcquireResult.Denied.class);

        assertThat(other.renew(key, holder, LONG_LEASE)).as("the holder still holds it").isTrue();
        assertThat(backend.release(key, next.owner())).isFalse();
        assertThat(other.release(key, holder)).isTrue();
    }

    @Test
    @ProvesCapability(ContractCapability.HAND_OVER)
    void handOverOfAKeyWhoseHolderRanOutGrantsTheNextOwner() {
        LockBackend backend = backend();
        String key = key("hand-over-free");
        AcquireRequest next = request(key, owner(), LONG_LEASE);

        long token = token(((KeyHandOver) backend).handOver(key, owner(), next));

        assertThat(token).isPositive();
        assertThat(backend.release(key, next.owner())).isTrue();
    }

    private void exclusiveAndReusable(String key) {
        LockBackend first = backend();
        LockBackend second = backend();
        String owner = owner();

        long token = token(first.tryAcquire(request(key, owner, LONG_LEASE)));
        assertThat(second.tryAcquire(request(key, owner(), LONG_LEASE))).isInstanceOf(AcquireResult.Denied.class);
        assertThat(first.release(key, owner)).isTrue();
        assertThat(token(second.tryAcquire(request(key, owner(), LONG_LEASE)))).isGreaterThan(token);
    }


    private static AcquireRequest fairRequest(String key, String owner) {
        return new AcquireRequest(key, owner, LONG_LEASE, true);
    }
}
