package dev.distlock.spi;

/**
 * A backend whose calls complete in memory and never wait on I/O (the in-memory backend). The
 * engine calls it on the calling thread; every other backend's calls run on the engine's store-call
 * threads under the operation timeout, so that a store that does not answer holds nobody up, except
 * those a {@link DispatchingBackend} sends without blocking, whose answers the caller awaits under
 * that same timeout.
 */
public interface NonBlockingBackend {
}
