package dev.distlock.etcd;

import java.time.Duration;

import dev.distlock.spi.LockBackendException;

/**
 * One etcd lease that the held locks of one lease length share, kept alive by {@link SharedLeases}
 * while any of them holds (and a little after, for reuse). Its locks live exactly as long as it does
 * unless the backend ends one first: a frozen or dead process stops the keep-alives, so etcd drops
 * all of them one lease after the last keep-alive.
 *
 * <p>{@link #holdsFor(long)} counts honestly: a keep-alive resets the lease to its TTL when etcd
 * handles it, which is after we sent it, so the lease holds at least until the send plus the TTL.
 */
final class SharedLease {

    private final long id;
    private final long askedSeconds;
    private final long grantedSeconds;
    /** Locks on this lease now (guarded by {@link SharedLeases}'s lock). */
    private int holders;
    private long idleSinceNanos;
    private volatile long keptUntilNanos;
    private volatile boolean keepAliveFailing;
    private volatile boolean gone;

    SharedLease(long id, long askedSeconds, long grantedSeconds, long grantSentNanos) {
        this.id = id;
        this.askedSeconds = askedSeconds;
        this.grantedSeconds = grantedSeconds;
        this.keptUntilNanos = grantSentNanos + Duration.ofSeconds(grantedSeconds).toNanos();
    }

    long id() {
        return id;
    }

    /** The lease length asked for, in etcd's whole seconds: the locks that share it asked for this. */
    long askedSeconds() {
        return askedSeconds;
    }

    /** Between two keep-alives: a third of the TTL etcd granted (at least its minimum), as jetcd's own keep-alive does. */
    Duration keepAlivePeriod() {
        return Duration.ofMillis(Math.max(200, grantedSeconds * 1000 / 3));
    }

    /**
     * How long from {@code nowNanos} the lease surely holds, by its last answered keep-alive.
     *
     * @throws LockBackendException when the last keep-alive failed or the time it bought is used
     *         up: the lease may still be there, but we cannot say for how long
     */
    Duration holdsFor(long nowNanos) {
        long remaining = keptUntilNanos - nowNanos;
        if (keepAliveFailing || remaining <= 0) {
            throw new LockBackendException("The keep-alive of shared etcd lease " + Long.toHexString(id)
                    + " is failing; its locks are held for " + Duration.ofNanos(Math.max(0, remaining)) + " at most");
        }
        return Duration.ofNanos(remaining);
    }

    /** The last keep-alive failed, or what it bought ends within one keep-alive period. */
    boolean needsKeepAliveNow(long nowNanos) {
        return keepAliveFailing || keptUntilNanos - nowNanos < keepAlivePeriod().toNanos();
    }

    boolean isGone() {
        return gone;
    }

    void retain() {
        holders++;
    }

    /** @return true when the last holder let go */
    boolean release(long nowNanos) {
        holders = Math.max(0, holders - 1);
        if (holders == 0) {
            idleSinceNanos = nowNanos;
            return true;
        }
        return false;
    }

    boolean inUse() {
        return holders > 0;
    }

    boolean idleFor(Duration linger, long nowNanos) {
        return holders == 0 && nowNanos - idleSinceNanos >= linger.toNanos();
    }

    /** etcd reset the lease to {@code ttlSeconds} for a keep-alive sent at {@code sentNanos}. */
    void keptAlive(long sentNanos, long ttlSeconds) {
        keptUntilNanos = Math.max(keptUntilNanos, sentNanos + Duration.ofSeconds(ttlSeconds).toNanos());
        keepAliveFailing = false;
    }

    void keepAliveFailed() {
        keepAliveFailing = true;
    }

    void gone() {
        gone = true;
    }
}
