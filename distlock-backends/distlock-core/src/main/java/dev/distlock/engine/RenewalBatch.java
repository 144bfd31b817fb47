package dev.distlock.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.distlock.spi.RenewRequest;

/**
 * The leases one sweep sends to the store in one {@code renewAll} call. Each lease registers the
 * batch as its renewal in flight, so that an extension waits for it and it is not sent twice.
 */
final class RenewalBatch {

    /** Bounds one store call: a pipeline or script of this many keys answers well within a deadline. */
    static final int MAX_LEASES = 500;

    private final List<HeldLock> locks = new ArrayList<>();
    private final List<RenewRequest> requests = new ArrayList<>();
    /** Completes once the engine has handled the answer, or the failure at the deadline. */
    final CompletableFuture<Void> answered = new CompletableFuture<>();
    /** Completes when the store call has ended on its store-call thread. */
    final CompletableFuture<Void> settled = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = CompletableFuture.allOf(answered, settled);
    private long shortestLeaseNanos = Long.MAX_VALUE;

    /** Adds {@code lock}, asking for {@code lease}; false when an extension of it is in flight. */
    boolean add(HeldLock lock, Duration lease) {
        if (!lock.tryStartRenewal(answered, ended)) {
            return false;
        }
        locks.add(lock);
        requests.add(new RenewRequest(lock.key, lock.owner, lease));
        shortestLeaseNanos = Math.min(shortestLeaseNanos, lock.leaseNanos());
        return true;
    }

    boolean isFull() {
        return locks.size() >= MAX_LEASES;
    }

    boolean isEmpty() {
        return locks.isEmpty();
    }

    int size() {
        return locks.size();
    }

    HeldLock lock(int index) {
        return locks.get(index);
    }

    Duration requestedLease(int index) {
        return requests.get(index).ttl();
    }

    List<RenewRequest> requests() {
        return requests;
    }

    /** The shortest lease in it: its third bounds how long the batch may wait for the store. */
    long shortestLeaseNanos() {
        return shortestLeaseNanos;
    }

    /** For messages: the first key, and how many more. */
    String keys() {
        String first = locks.get(0).key;
        return locks.size() == 1 ? first : first + " and " + (locks.size() - 1) + " more";
    }
}
