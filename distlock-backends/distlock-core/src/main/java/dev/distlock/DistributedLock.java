package dev.distlock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method only while this process holds a distributed lock.
 *
 * <p>The full key is {@code <namespace>:<name>:<key value>}, or {@code <namespace>:<name>} when
 * {@link #key()} is empty. Durations are strings: {@code 10s}, {@code 500ms}, {@code PT10S} or a
 * {@code ${placeholder}}; an empty string means the configured default. Every attribute is
 * validated when the bean is created, so a typo fails start-up rather than the first call.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface DistributedLock {

    /** SpEL expression for the part of the key that varies per call, e.g. {@code #order.id}. Empty: one lock per method. */
    String key() default "";

    /** Lock name; empty means {@code SimpleClassName.methodName}. Also the metrics tag, so keep it low in cardinality. */
    String name() default "";

    /** How long the lock is held without renewal; empty means {@code distlock.default-lease}. */
    String lease() default "";

    /** How long to wait for a held lock; empty means {@code distlock.default-wait-for}. */
    String waitFor() default "";

    /** The lock is kept at least this long after it was acquired, even if the method returns earlier. */
    String holdAtLeast() default "0s";

    /**
     * What happens when the lock cannot be acquired within {@link #waitFor()}: by default, throw
     * {@link LockNotAcquiredException}, except on a {@code @Scheduled} method, which skips the run.
     */
    OnLocked onLocked() default OnLocked.DEFAULT;

    /**
     * The longest auto-renewal keeps the lock, counted from the grant, so that a hung call cannot hold
     * it forever: at the cap renewal stops, the lease ends and the holder is told it lost the lock
     * (as for any lost lease, {@code distlock.lease-loss-policy} says whether it is interrupted).
     * Empty for no cap; else not shorter than the lease.
     */
    String maxHold() default "";

    /** Renew the lease while the method runs, so that a slow call does not lose its lock. */
    boolean autoRenew() default true;

    /** Grant the lock in request order; fails start-up on a backend that cannot be fair. */
    boolean fair() default false;

    /**
     * Fenced writes (distlock-fencing's {@code FencedJdbc}, {@code FencedJpa}, {@code FencedRedis})
     * under this lock are sent only while its lease is valid: one attempted after the lease lapsed or
     * was lost fails with {@code LeaseRequiredException} before it reaches the store, even when no
     * newer holder has written yet. Without it, such a write is sent and the store refuses it only
     * once a newer holder has written. Either way, a fenced write outside any lock always fails.
     */
    boolean fenced() default false;
}
