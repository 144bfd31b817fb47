package dev.distlock.sample;

/** What paying an order did: the fencing token a payment provider would check, and whether it was new. */
public record Payment(String orderId, long fencingToken, boolean charged) {
}
