/**
 * The multi-process safety harness: client JVMs, faults, the history check and the report.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.testsupport.safety;

import org.jspecify.annotations.NullMarked;
