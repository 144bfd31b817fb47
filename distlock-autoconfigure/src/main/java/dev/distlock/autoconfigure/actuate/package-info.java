/**
 * Actuator support: the {@code distlock} health contributor and the {@code distlocks} endpoint.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
