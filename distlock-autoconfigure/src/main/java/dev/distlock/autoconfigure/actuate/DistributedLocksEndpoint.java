package dev.distlock.autoconfigure.actuate;

import java.time.Instant;
import java.util.List;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.distlock.engine.HeldLockInfo;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.WaiterInfo;

/**
 * The Actuator endpoint {@code distlocks}: the locks this instance holds now and the threads
 * waiting for one. Read-only on purpose: force-releasing a lock that a running method holds
 * would break the exclusion the lock exists for. Like Spring Boot's own sensitive endpoints it is
 * not exposed over HTTP unless {@code management.endpoints.web.exposure.include} names it.
 */
@Endpoint(id = "distlocks")
public class DistributedLocksEndpoint {

    private final LockEngine engine;

    public DistributedLocksEndpoint(LockEngine engine) {
        this.engine = engine;
    }

    @ReadOperation
    public LocksDescriptor locks() {
        return new LocksDescriptor(engine.backend().name(), engine.namespace(),
                engine.heldLocks().stream().map(HeldLockDescriptor::of).toList(),
                engine.waiters().stream().map(WaiterDescriptor::of).toList());
    }

    /** What {@code GET /actuator/distlocks} returns. */
    public record LocksDescriptor(String backend, String namespace, List<HeldLockDescriptor> held,
                                  List<WaiterDescriptor> waiters) {
    }

    /**
     * A lock held now.
     *
     * @param thread the thread that acquired it, {@code (async)} once a future or publisher holds it
     */
    public record HeldLockDescriptor(String key, String name, long fencingToken, Instant acquiredAt, Instant expiresAt,
                                     long renewals, String thread) {

        static HeldLockDescriptor of(HeldLockInfo info) {
            return new HeldLockDescriptor(info.key(), info.name(), info.fencingToken(), info.acquiredAt(),
                    info.expiresAt(), info.renewals(), info.holder());
        }
    }

    /** A thread of this instance waiting for a lock. */
    public record WaiterDescriptor(String key, String name, Instant since, String thread) {

        static WaiterDescriptor of(WaiterInfo info) {
            return new WaiterDescriptor(info.key(), info.name(), info.since(), info.thread());
        }
    }
}
