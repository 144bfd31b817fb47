package dev.distlock.zookeeper;

import static dev.distlock.testsupport.BackendCalls.owner;
import static dev.distlock.testsupport.BackendCalls.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.DispatchingBackend;
import dev.distlock.spi.ReleaseOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An unfair holder's release is sent without blocking the caller ({@link DispatchingBackend}), so the
 * engine needs no store-call thread for it: one owner-checked delete, as the blocking release sends.
 * Where a release is more than that one delete (the holder and queue nodes of a fair holder that
 * waited in line), the backend declines
 * (null) and the engine makes the blocking call on a store-call thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZooKeeperDispatchIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final long ANSWER_BOUND_SECONDS = 10;

    @RegisterExtension
    static final ZooKeeperTwoClients zookeeper = new ZooKeeperTwoClients(LEASE);

    private final String basePath = "/dispatch-" + UUID.randomUUID();
    private final String key = "app:job:" + UUID.randomUUID();
    private ZooKeeperLockBackend backend;
    private ZooKeeperLockBackend other;

    @BeforeEach
    void backends() {
        backend = new ZooKeeperLockBackend(zookeeper.client(), basePath);
        other = new ZooKeeperLockBackend(zookeeper.otherClient(), basePath);
    }

    @AfterEach
    void closeBackends() {
        backend.close();
        other.close();
    }

    @Test
    void anUnfairHoldersReleaseIsSentWithoutBlockingAsOneDelete() throws Exception {
        String owner = owner();
        token(backend.tryAcquire(new AcquireRequest(key, owner, LEASE, false)));
        assertThat(backend).isInstanceOf(DispatchingBackend.class);
        long session = ZooKeeperTwoClients.sessionOf(zookeeper.client());
        long before = zookeeper.server().requestsReceivedFrom(session);

        CompletableFuture<ReleaseOutcome> released = ((DispatchingBackend) (Object) backend).dispatchRelease(key, owner);

        assertThat(released).isNotNull();
        assertThat(released.get(ANSWER_BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(ReleaseOutcome.RELEASED);
        assertThat(zookeeper.server().requestsReceivedFrom(session) - before).as("round trips").isEqualTo(1);
        token(other.tryAcquire(new AcquireRequest(key, owner(), LEASE, false))); // the key is free
        assertThat(backend.release(key, owner)).as("released once only").isFalse();
    }

    @Test
    void aReleaseByAnOwnerThatHoldsNothingIsNotHeldWithoutAsking() throws Exception {
        CompletableFuture<ReleaseOutcome> released = ((DispatchingBackend) (Object) backend).dispatchRelease(key, owner());

        assertThat(released).isNotNull();
        assertThat(released.get(ANSWER_BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(ReleaseOutcome.NOT_HELD);
    }

    @Test
    void theReleaseOfAFairHolderThatWaitedInLineIsLeftToTheBlockingCall() {
        String holder = owner();
        token(other.tryAcquire(new AcquireRequest(key, holder, LEASE, false)));
        String owner = owner();
        AcquireRequest fair = new AcquireRequest(key, owner, LEASE, true);
        assertThat(backend.tryAcquire(fair)).isInstanceOf(AcquireResult.Denied.class); // queues
        assertThat(other.release(key, holder)).isTrue();
        token(backend.tryAcquire(fair)); // holds through the holder node and its queue node: two deletes

        assertThat(((DispatchingBackend) (Object) backend).dispatchRelease(key, owner)).isNull();
        assertThat(backend.release(key, owner)).isTrue();
    }
}
