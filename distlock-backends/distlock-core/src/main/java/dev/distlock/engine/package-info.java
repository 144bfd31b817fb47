/**
 * The lock engine, plain Java: re-entrancy, renewal, lease-loss detection, waiting and the store calls' deadlines.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.engine;

import org.jspecify.annotations.NullMarked;
