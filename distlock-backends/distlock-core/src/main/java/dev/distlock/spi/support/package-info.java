/**
 * Plumbing that several backends share, written once.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.spi.support;

import org.jspecify.annotations.NullMarked;
