/**
 * The sample application: every use of distlock, one profile per backend.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.sample;

import org.jspecify.annotations.NullMarked;
