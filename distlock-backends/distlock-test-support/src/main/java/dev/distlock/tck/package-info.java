/**
 * The backend contract suite (TCK) that every backend passes against a real server.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.tck;

import org.jspecify.annotations.NullMarked;
