/**
 * Auto-configuration of the in-memory backend, used only when no backend module is present or when asked for.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.inmemory;

import org.jspecify.annotations.NullMarked;
