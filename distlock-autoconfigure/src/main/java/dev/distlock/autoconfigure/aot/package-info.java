/**
 * Runtime hints for applications processed ahead of time and native images.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
