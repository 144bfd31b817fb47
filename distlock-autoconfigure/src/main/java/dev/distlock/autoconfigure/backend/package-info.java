/**
 * Choosing the lock backend from {@code distlock.backend} and the modules present, failing closed with an analysis.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.backend;

import org.jspecify.annotations.NullMarked;
