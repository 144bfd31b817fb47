/**
 * Test fixtures: real servers on free loopback ports, child JVMs, a fault proxy, a fenced resource.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.testsupport;

import org.jspecify.annotations.NullMarked;
