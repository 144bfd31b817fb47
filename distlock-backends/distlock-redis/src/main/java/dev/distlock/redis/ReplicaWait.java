package dev.distlock.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Single mode: after each grant, Redis's {@code WAIT replicas timeout} on the connection that
 * granted, so that the grant is returned only once that many replicas have acknowledged it. Off
 * ({@link #NONE}) by default.
 *
 * <p>What it does: narrows the window in which a Sentinel or Cluster failover promotes a replica
 * that never saw the grant (and grants the held lock again, with a repeated token). What it does
 * not: make Redis consistent. {@code WAIT} does not roll back a grant that fewer replicas
 * acknowledged (the backend then releases it and fails the attempt), a failover may still promote
 * a replica that had not acknowledged, renewals and releases are not waited for, and the command
 * holds up the connection it is sent on (with Lettuce's shared connection, every command of the
 * application) until the replicas answer or the timeout passes.
 *
 * @param replicas how many replicas must acknowledge a grant; 0 turns the wait off
 * @param timeout  how long Redis waits for them; keep it well below distlock's operation timeout
 */
public record ReplicaWait(int replicas, Duration timeout) {

    /** No wait: a grant is returned as soon as the primary applied it. */
    public static final ReplicaWait NONE = new ReplicaWait(0, Duration.ofMillis(100));

    public ReplicaWait {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 (off) or more, was " + replicas);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout
                    + " (WAIT with 0 would block without limit)");
        }
    }

    public boolean enabled() {
        return replicas > 0;
    }
}
