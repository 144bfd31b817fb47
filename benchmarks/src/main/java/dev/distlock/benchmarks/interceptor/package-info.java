/**
 * JMH benchmark of the annotation interceptor against a plain call and the programmatic API.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.interceptor;

import org.jspecify.annotations.NullMarked;
