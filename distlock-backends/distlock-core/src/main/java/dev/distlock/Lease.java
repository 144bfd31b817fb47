package dev.distlock;

import java.time.Duration;
import java.time.Instant;

/**
 * A held lock. Closing it releases the lock (idempotently), so it fits try-with-resources.
 *
 * <p>A lease can lapse while held (a long GC pause, a partition, a refused renewal). Pass
 * {@link #fencingToken()} with every write to the protected resource and let the resource reject
 * a token lower than one it has already seen: that is what keeps a stale holder harmless.
 */
public interface Lease extends AutoCloseable {

    /** The full lock key. */
    String key();

    /** A number that strictly grows with each grant of this key; how strong depends on the backend. */
    long fencingToken();

    /** When this process was granted the lock. */
    Instant acquiredAt();

    /** When the lease runs out unless renewed, as this process last knew it. */
    Instant expiresAt();

    /** False once the lease ran out, was refused renewal or was lost, or after {@link #close()}. */
    boolean isValid();

    /**
     * Renews the lease now so that it runs {@code lease} from now, and makes that the lease that
     * auto-renewal keeps renewing: for a call that learns it needs longer (or less) than it asked for.
     * Never past the lock's {@code maxHold}. Blocks for one store call (at most
     * {@code distlock.operation-timeout}).
     *
     * @return true when the store extended the lease; false when it is no longer held (released,
     *         lost, or refused by the store, which makes it lost) or {@code maxHold} is reached
     * @throws dev.distlock.spi.LockBackendException when the store could not be asked; the lease
     *         stays as it was
     */
    boolean extend(Duration lease);

    /** Releases the lock, or schedules the release when {@code holdAtLeast} has not passed yet. */
    @Override
    void close();
}
