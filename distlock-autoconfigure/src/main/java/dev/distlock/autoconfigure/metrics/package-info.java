/**
 * Micrometer meters and observations of lock acquisition, holding and loss.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
