/**
 * What differs on Spring Boot 3.5: the health contributor on Boot 3's actuator types.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.boot3;

import org.jspecify.annotations.NullMarked;
