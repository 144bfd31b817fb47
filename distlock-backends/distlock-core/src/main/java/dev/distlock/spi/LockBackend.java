package dev.distlock.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a store must do for distlock: grant, renew and release one key for one owner. Everything
 * common (reentrancy, renewal, waiting, minimum hold, lease-loss handling) lives in the engine.
 *
 * <p>Renew and release are owner-checked atomically on the server: nobody frees or extends a lock
 * it does not hold. A method throws {@link LockBackendException} when the store could not be
 * asked (connection refused, timeout); a clear "no" is a return value, never an exception.
 *
 * <p>Optional abilities are sub-interfaces: {@link ReleaseNotifications} (wake waiters without
 * polling), {@link LeaseLossSignals} (the store tells us a lease is gone before a renewal would)
 * and {@link KeyHandOver} (pass a key to the next owner in one call).
 */
public interface LockBackend extends AutoCloseable {

    /** Short name for logs, health and metrics tags: {@code redis}, {@code etcd}, {@code in-memory}. */
    String name();

    /** What this backend can promise; the engine and the start-up checks read it. */
    BackendCapabilities capabilities();

    /**
     * One attempt to take {@code request.key()} for {@code request.owner()}, without waiting.
     * With {@code request.fair()}, a denied owner keeps its place in the queue until it is granted
     * or {@link #withdraw(String, String)} is called.
     */
    AcquireResult tryAcquire(AcquireRequest request);

    /**
     * Extends the lease of {@code owner} on {@code key} to {@code ttl} from now.
     *
     * @return false when {@code owner} no longer holds {@code key}: the lease is lost
     */
    boolean renew(String key, String owner, Duration ttl);

    /**
     * {@link #renew(String, String, Duration)}, for a store that can also say how long the extended
     * lease holds (less than {@code ttl}, as Redlock's clock-drift allowance); the renewal watchdog
     * calls this one. By default the lease holds for {@code ttl} from when the renewal was sent.
     */
    default RenewResult renewWithValidity(String key, String owner, Duration ttl) {
        return RenewResult.of(renew(key, owner, ttl));
    }

    /**
     * Renews many leases in as few store calls as the store allows (a pipeline, a multi-key script,
     * one keep-alive of a lease they share); the renewal watchdog sends every lease due in one sweep
     * through here. Each answer means what {@link #renewWithValidity(String, String, Duration)}'s
     * does, and its validity counts from when the batch was sent.
     *
     * <p>By default one {@code renewWithValidity} per lease, in order.
     *
     * @return one answer per request, in the order of {@code requests}
     * @throws LockBackendException when the store could not be asked; the engine then treats every
     *         lease of the batch as not renewed (retried until it runs out), none as refused
     */
    default List<RenewResult> renewAll(List<RenewRequest> requests) {
        List<RenewResult> results = new ArrayList<>(requests.size());
        for (RenewRequest request : requests) {
            results.add(renewWithValidity(request.key(), request.owner(), request.ttl()));
        }
        return results;
    }

    /**
     * Releases {@code key} if {@code owner} holds it, and wakes its waiters.
     *
     * @return false when {@code owner} did not hold it (any more)
     */
    boolean release(String key, String owner);

    /**
     * {@link #release(String, String)}, for a store that can also tell whether other clients were
     * waiting for the key when it was released (their registration to be woken, which the release
     * found); the engine calls this one. A client that released to waiters lets them try first
     * before it asks for the key again, so that a releaser, one round trip ahead of every waiter,
     * does not keep the key for as long as it asks. By default {@link ReleaseOutcome#of(boolean)}:
     * the store cannot tell, and nobody is let first.
     */
    default ReleaseOutcome releaseTellingWaiters(String key, String owner) {
        return ReleaseOutcome.of(release(key, owner));
    }

    /**
     * Gives up a waiting request: removes {@code owner}'s place in a fair queue or its pending
     * sequential node. Called when a waiter times out or is interrupted. Does nothing by default.
     */
    default void withdraw(String key, String owner) {
    }

    /** Asks the store whether it answers, within a bounded time. Never throws. */
    BackendHealth health();

    /** Frees the backend's own resources; never the application's connections. */
    @Override
    default void close() {
    }
}
