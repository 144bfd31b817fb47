package dev.distlock.spi;

/**
 * A backend that can pass a key from the owner releasing it to the next owner in one store call,
 * atomically: nobody else can be granted in between. The engine uses it when a thread of its own
 * waits in line for the key it releases (see the engine's local gate), so that a hand-off costs one
 * round trip instead of a release and then the waiter's own attempt. The next owner's grant is a
 * store grant like any other, with a fencing token larger than the releaser's.
 */
public interface KeyHandOver {

    /**
     * Releases {@code key} if {@code owner} still holds it and, in the same step, tries to take it
     * for {@code next.owner()} as {@link LockBackend#tryAcquire} would ({@code next} is never fair).
     * Waiters of other clients are not woken: the key stays held.
     *
     * @return the answer for {@code next}: granted with a new token when {@code owner} held the key
     *         or nobody did; denied when another owner holds it ({@code owner} had lost it)
     * @throws LockBackendException when the store could not be asked; the key may then be held by
     *         either owner until its lease runs out
     */
    AcquireResult handOver(String key, String owner, AcquireRequest next);
}
