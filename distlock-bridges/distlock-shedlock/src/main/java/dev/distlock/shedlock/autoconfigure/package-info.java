/**
 * Auto-configuration of the ShedLock bridge.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.shedlock.autoconfigure;

import org.jspecify.annotations.NullMarked;
