/**
 * Writes that refuse a stale lock holder by themselves: the token a fenced write carries
 * ({@link dev.distlock.fencing.FencingToken}: the current thread's lease, or one passed by hand), and
 * the store helpers in {@code jdbc}, {@code jpa} and {@code redis} that check it in the same statement
 * as the write and raise {@link dev.distlock.StaleLockTokenException} when a newer holder has written.
 */
@NullMarked
package dev.distlock.fencing;

import org.jspecify.annotations.NullMarked;
