package dev.distlock.benchmarks.etcd;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;

import org.jspecify.annotations.Nullable;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.DistlockAnnotationClient;
import dev.distlock.benchmarks.support.DistlockApiClient;
import dev.distlock.benchmarks.support.LockClient;
import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.etcd.EtcdSettings;
import dev.distlock.testsupport.EtcdServerFixture;

/** An etcd member of its own (or another JVM's) and the etcd clients compared on it; leases of 30 s. */
public final class EtcdBench implements BackendBench {

    static final long LEASE_SECONDS = 30;

    /** The member this bench started and stops, or null when attached to another JVM's. */
    private final @Nullable EtcdServerFixture server;
    private final String clientUrl;

    /** Starts an etcd member of its own. */
    public EtcdBench() {
        this(EtcdServerFixture.start());
    }

    private EtcdBench(EtcdServerFixture server) {
        this(server, server.clientUrl());
    }

    private EtcdBench(@Nullable EtcdServerFixture server, String clientUrl) {
        this.server = server;
        this.clientUrl = clientUrl;
    }

    /** The member another bench started, as {@link #connection()} named it; closing leaves it running. */
    public static EtcdBench attach(List<String> connection) {
        return new EtcdBench(null, connection.get(0));
    }

    @Override
    public List<String> connection() {
        return List.of(clientUrl);
    }

    @Override
    public LockClient client(String impl) {
        return switch (impl) {
            case "floor" -> new Floor(Client.builder().endpoints(clientUrl).build());
            case "floor-waiting" -> new FloorWaiting(Client.builder().endpoints(clientUrl).build());
            case "floor-lease-per-lock" -> new FloorLeasePerLock(Client.builder().endpoints(clientUrl).build());
            case "distlock-api" -> new DistlockApiClient(new EtcdLockBackend(EtcdSettings.of(clientUrl)));
            case "distlock-annotation" -> new DistlockAnnotationClient(new EtcdLockBackend(EtcdSettings.of(clientUrl)));
            case "jetcd-lock" -> new JetcdLock(Client.builder().endpoints(clientUrl).build());
            default -> throw new IllegalArgumentException("No etcd client named " + impl);
        };
    }

    /** Prints etcd's own disk latency over the trial (what each fsync'd write cost), then stops etcd. */
    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            EtcdDiskLatency.read(clientUrl).ifPresent(latency -> System.out.println("etcd disk, this trial: " + latency));
        } finally {
            server.close();
        }
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A lease kept alive until closed: the session a process would hold all its locks on. */
    static final class Session implements AutoCloseable {

        final long leaseId;
        private final CloseableClient keepAlive;

        Session(Client client) {
            leaseId = join(client.getLeaseClient().grant(LEASE_SECONDS)).getID();
            keepAlive = client.getLeaseClient().keepAlive(leaseId, new StreamObserver<LeaseKeepAliveResponse>() {
                @Override
                public void onNext(LeaseKeepAliveResponse value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
        }

        @Override
        public void close() {
            keepAlive.close();
        }
    }

    /**
     * The floor: two round trips with jetcd on a session lease granted once. Acquire is a
     * put-if-absent transaction (create revision 0) attaching the key to the lease; release is a
     * delete guarded by the owner's value.
     */
    static final class Floor implements LockClient {

        final Client client;
        private final Session session;
        private final ByteSequence owner = bytes(UUID.randomUUID().toString());
        private final PutOption onLease;

        Floor(Client client) {
            this.client = client;
            this.session = new Session(client);
            this.onLease = PutOption.builder().withLeaseId(session.leaseId).build();
        }

        @Override
        public Held acquire(String key) {
            ByteSequence name = bytes(key);
            if (!putIfAbsent(name).isSucceeded()) {
                throw new NotGranted(key);
            }
            return () -> delete(name);
        }

        /** If the key is absent, put it with our owner on the session lease: the put's revision is the token. */
        TxnResponse putIfAbsent(ByteSequence name) {
            return join(client.getKVClient().txn()
                    .If(new Cmp(name, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(name, owner, onLease))
                    .commit());
        }

        /** Deletes the key if its value is still our owner. */
        void delete(ByteSequence name) {
            join(client.getKVClient().txn()
                    .If(new Cmp(name, Cmp.Op.EQUAL, CmpTarget.value(owner)))
                    .Then(Op.delete(name, DeleteOption.DEFAULT))
                    .commit());
        }

        @Override
        public void close() {
            session.close();
            client.close();
        }
    }

    /**
     * The floor of a client that waits: the floor's two round trips when the key is free; when it is
     * held, the denied put-if-absent answers with the store revision it was read at, and the waiter
     * watches the key from the next revision (so no deletion can slip between the two) and puts again
     * when it sees the DELETE. No poll and no read of the holder: a hand-off costs the holder's
     * delete, the watch event and the waiter's one put, whose revision is its token.
     */
    static final class FloorWaiting implements LockClient {

        private final Floor floor;

        FloorWaiting(Client client) {
            this.floor = new Floor(client);
        }

        @Override
        public Held acquire(String key) {
            ByteSequence name = bytes(key);
            while (true) {
                TxnResponse attempt = floor.putIfAbsent(name);
                if (attempt.isSucceeded()) {
                    return () -> floor.delete(name);
                }
                awaitDeletion(name, attempt.getHeader().getRevision() + 1);
            }
        }

        private void awaitDeletion(ByteSequence name, long fromRevision) {
            CompletableFuture<Void> deleted = new CompletableFuture<>();
            WatchOption from = WatchOption.builder().withRevision(fromRevision).build();
            try (Watch.Watcher watcher = floor.client.getWatchClient().watch(name, from, Watch.listener(response -> {
                if (response.getEvents().stream().anyMatch(event -> event.getEventType() == WatchEvent.EventType.DELETE)) {
                    deleted.complete(null);
                }
            }, deleted::completeExceptionally))) {
                join(deleted);
            }
        }

        @Override
        public void close() {
            floor.close();
        }
    }

    /**
     * For reference, the floor when every lock has a lease of its own (so that its TTL is the lock's):
     * three round trips, a lease grant, the put-if-absent transaction and the revoke (which deletes the key).
     */
    static final class FloorLeasePerLock implements LockClient {

        private final Client client;
        private final ByteSequence owner = bytes(UUID.randomUUID().toString());

        FloorLeasePerLock(Client client) {
            this.client = client;
        }

        @Override
        public Held acquire(String key) {
            ByteSequence name = bytes(key);
            long lease = join(client.getLeaseClient().grant(LEASE_SECONDS)).getID();
            boolean created = join(client.getKVClient().txn()
                    .If(new Cmp(name, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(name, owner, PutOption.builder().withLeaseId(lease).build()))
                    .commit()).isSucceeded();
            if (!created) {
                join(client.getLeaseClient().revoke(lease));
                throw new NotGranted(key);
            }
            return () -> join(client.getLeaseClient().revoke(lease));
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * jetcd's Lock service (etcd's server-side v3lock): the call blocks until held. The lock is tied
     * to a lease, and two holders on one lease would share the lock, so each thread has a session
     * lease of its own, granted on its first lock and kept alive.
     */
    static final class JetcdLock implements LockClient {

        private final Client client;
        private final List<Session> sessions = new CopyOnWriteArrayList<>();
        private final ThreadLocal<Session> session;

        JetcdLock(Client client) {
            this.client = client;
            this.session = ThreadLocal.withInitial(() -> {
                Session created = new Session(client);
                sessions.add(created);
                return created;
            });
        }

        @Override
        public Held acquire(String key) {
            ByteSequence lockKey = join(client.getLockClient().lock(bytes(key), session.get().leaseId)).getKey();
            return () -> join(client.getLockClient().unlock(lockKey));
        }

        @Override
        public void close() {
            sessions.forEach(Session::close);
            client.close();
        }
    }
}
