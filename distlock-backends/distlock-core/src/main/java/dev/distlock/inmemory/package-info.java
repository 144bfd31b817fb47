/**
 * The in-memory backend: locks within one JVM, for tests and single-instance applications.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.inmemory;

import org.jspecify.annotations.NullMarked;
