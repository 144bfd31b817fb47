/**
 * Auto-configuration of the fencing helpers of distlock-fencing.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.fencing;

import org.jspecify.annotations.NullMarked;
