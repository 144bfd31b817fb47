package dev.distlock.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.distlock.engine.LockEngine;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.LockBackend;

/**
 * What every part of the backend contract stands on: the backend under test, fresh instances of it
 * on the shared store, engines over them and keys of the test's own namespace, all closed after each
 * test. Backends extend {@link LockBackendContract}, not this class.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(CapabilityGate.class)
public abstract class ContractSupport {

    /** Lease for tests that wait for an abandoned lock to expire: short, but far above a round trip. */
    protected static final Duration SHORT_LEASE = Duration.ofSeconds(1);
    protected static final Duration LONG_LEASE = Duration.ofSeconds(60);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final String namespace = "tck-" + UUID.randomUUID();

    /** A new backend instance on the shared test server, as another JVM would create it. */
    protected abstract LockBackend newBackend();

    /**
     * The ttl that a renewal of a lock granted for {@code granted} asks for in place of the longer
     * {@code wanted}: {@code wanted}, unless the backend fixes a lock's lease at its grant (ZooKeeper:
     * the node lives in the session of that lease, and a longer renewal is refused).
     */
    protected Duration renewalLease(Duration granted, Duration wanted) {
        return wanted;
    }

    @AfterEach
    void closeResources() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
    }

    /** Whether this backend claims {@code capability}: asked of a fresh instance, closed again. */
    final boolean claims(ContractCapability capability) {
        try (LockBackend probe = newBackend()) {
            return capability.claimedBy(probe);
        }
    }

    protected final LockBackend backend() {
        LockBackend backend = newBackend();
        resources.add(backend);
        return backend;
    }

    protected final LockEngine engine(LockBackend backend) {
        LockEngine engine = LockEngine.builder(backend).namespace(namespace).build();
        resources.add(engine);
        return engine;
    }

    /** The namespace of this test's engines and keys. */
    protected final String namespace() {
        return namespace;
    }

    protected final String key(String name) {
        return namespace + ":" + name;
    }

    protected static AcquireRequest request(String key, String owner, Duration ttl) {
        return new AcquireRequest(key, owner, ttl, false);
    }
}
