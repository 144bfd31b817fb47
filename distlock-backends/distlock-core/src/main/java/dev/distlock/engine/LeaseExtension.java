package dev.distlock.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.distlock.spi.LockBackend;
import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewResult;

/**
 * {@link dev.distlock.Lease#extend}: one renewal for a new lease length, sent by the holder's thread,
 * exclusive with the sweep's renewals of the same lock (it waits for one in flight, and the sweep
 * passes the lock by while it is sent).
 */
final class LeaseExtension {

    private final LockBackend backend;
    private final StoreCalls calls;
    private final LockEngine engine;
    private final RenewalWatchdog watchdog;

    LeaseExtension(LockBackend backend, StoreCalls calls, LockEngine engine, RenewalWatchdog watchdog) {
        this.backend = backend;
        this.calls = calls;
        this.engine = engine;
        this.watchdog = watchdog;
    }

    /**
     * Renews {@code lock} now for {@code lease} from now, and makes that the lease later renewals ask
     * for; never past {@code maxHold}. Waits for renewals in flight first, so that none lands after it.
     *
     * @return true when the store extended the lease; false when the lock is no longer held, the cap
     *         is reached, or the store refused (the lease is then lost)
     */
    boolean extend(HeldLock lock, Duration lease) {
        CompletableFuture<RenewResult> answered = new CompletableFuture<>();
        CompletableFuture<Void> settled = new CompletableFuture<>();
        CompletableFuture<Void> ended = CompletableFuture.allOf(answered, settled);
        long deadline = engine.nanoTime() + calls.timeout().toNanos();
        do {
            awaitSettled(lock, deadline);
        } while (!lock.tryStartRenewal(answered, ended));
        boolean sentToStore = false;
        try {
            long sent = engine.nanoTime();
            Duration asked = lock.options.capsHold() ? RenewalWatchdog.min(lease, Duration.ofNanos(lock.maxHoldEndNanos() - sent)) : lease;
            if (!lock.isHeld() || asked.isNegative() || asked.isZero()) {
                return false;
            }
            sentToStore = true;
            RenewResult result = calls.submit("extend", lock.key, calls.timeout(),
                    () -> backend.renewWithValidity(lock.key, lock.owner, asked), settled).join();
            engine.events().renewed(lock.options.name(), lock.key, result.extended());
            if (!result.extended()) {
                engine.lost(lock, "extension refused: another owner holds the key or it expired");
                return false;
            }
            lock.extendedFrom(sent, result.validity(), asked);
            watchdog.extended(lock);
            return true;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        } finally {
            answered.complete(null);
            if (!sentToStore) {
                settled.complete(null); // else the store call completes it when it has ended
            }
            watchdog.extensionEnded(lock);
        }
    }

    /** Waits, up to {@code deadlineNanos}, for every renewal sent before to end at the store. */
    private void awaitSettled(HeldLock lock, long deadlineNanos) {
        try {
            lock.renewalsSettled().get(Math.max(0, deadlineNanos - engine.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new LockBackendException("A renewal of lock '" + lock.key + "' is still unanswered after "
                    + calls.timeout() + "; cannot extend it until it has ended");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockBackendException("Interrupted while extending lock '" + lock.key + "'", e);
        } catch (ExecutionException e) {
            // a renewal that failed has ended too
        }
    }
}
