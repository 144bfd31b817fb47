/**
 * Auto-configuration of the Spring Integration bridge.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.integration.autoconfigure;

import org.jspecify.annotations.NullMarked;
