package dev.distlock.engine;

/**
 * Monotonic time, in nanoseconds from an arbitrary origin: what a holder judges its own lease by,
 * so that a wall-clock step (NTP, a suspended VM's catch-up) changes nothing it believes. Wall-clock
 * instants are kept for display only ({@code acquiredAt}, {@code expiresAt}, the endpoint).
 */
@FunctionalInterface
public interface NanoClock {

    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
