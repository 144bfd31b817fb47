package dev.distlock.shedlock;

import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.LockBackend;

/** The provider contract on the in-memory backend: both instances share the one store of this JVM. */
class InMemoryDistlockLockProviderTest extends DistlockLockProviderContract {

    private final InMemoryLockBackend store = new InMemoryLockBackend();

    @Override
    protected LockBackend newBackend() {
        return store;
    }
}
