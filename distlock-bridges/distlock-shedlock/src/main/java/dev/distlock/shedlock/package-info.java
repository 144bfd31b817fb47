/**
 * ShedLock's {@code LockProvider} on any distlock backend.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.shedlock;

import org.jspecify.annotations.NullMarked;
