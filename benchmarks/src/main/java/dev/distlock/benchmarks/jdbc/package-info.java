/**
 * JMH benchmarks of the JDBC backend: uncontended, contended and hand-off.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.jdbc;

import org.jspecify.annotations.NullMarked;
