package dev.distlock.sample;

import java.math.BigDecimal;

/** An order to pay. */
public record Order(String id, BigDecimal amount) {
}
