/**
 * distlock's user API: {@link dev.distlock.DistributedLock}, {@link dev.distlock.DistributedLocks},
 * {@link dev.distlock.Lease}, {@link dev.distlock.LockContext}. Nothing here takes or returns
 * {@code null} unless marked {@code @Nullable} (JSpecify): absence is an {@code Optional}.
 */
@NullMarked
package dev.distlock;

import org.jspecify.annotations.NullMarked;
