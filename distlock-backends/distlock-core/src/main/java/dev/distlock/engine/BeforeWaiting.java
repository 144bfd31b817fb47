package dev.distlock.engine;

import dev.distlock.spi.AcquireRequest;

/**
 * Told once, on the acquiring thread, when it starts to wait for a lock (in line, or at the store
 * after a denial): the engine lists it among its waiters. One instance per engine rather than a
 * callback per acquisition, which an uncontended lock would allocate for nothing.
 */
@FunctionalInterface
interface BeforeWaiting {

    void waiting(AcquireRequest request, String lockName);
}
