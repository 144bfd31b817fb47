/**
 * Turns JMH results into the tables and plots of the benchmark notes.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.report;

import org.jspecify.annotations.NullMarked;
