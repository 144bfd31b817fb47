/**
 * The backend SPI: acquire, renew, release, capabilities and health; a clear "no" is a return value.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.spi;

import org.jspecify.annotations.NullMarked;
