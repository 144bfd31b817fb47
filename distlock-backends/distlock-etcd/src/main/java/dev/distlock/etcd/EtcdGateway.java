package dev.distlock.etcd;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.GetOption.SortOrder;
import io.etcd.jetcd.options.GetOption.SortTarget;
import io.etcd.jetcd.options.PutOption;

import dev.distlock.spi.LockBackendException;
import org.jspecify.annotations.Nullable;

/**
 * The backend-wide gateway to etcd: every call the backend makes to etcd goes through here, one
 * blocking call per method, each one round trip unless said otherwise.
 * The protocol is the one of etcd's own {@code concurrency.Mutex}: every contender creates a node in
 * the lock's queue, the node with the lowest create revision holds the lock, and a waiter watches
 * only the node just ahead of it. A node's create revision is the fencing token: etcd's revision
 * grows with every write to the cluster and is never reused, so holders of one key get strictly
 * growing tokens (a new node is always created after every node that still exists).
 */
final class EtcdGateway {

    private static final GetOption NEWEST_TWO = GetOption.builder()
            .isPrefix(true).withSortField(SortTarget.CREATE).withSortOrder(SortOrder.DESCEND)
            .withLimit(2).withKeysOnly(true).build();

    private static final GetOption OLDEST = GetOption.builder()
            .isPrefix(true).withSortField(SortTarget.CREATE).withSortOrder(SortOrder.ASCEND)
            .withLimit(1).withKeysOnly(true).build();

    private static final GetOption KEY_ONLY = GetOption.builder().withKeysOnly(true).build();

    private final Client client;
    private final Duration timeout;

    EtcdGateway(Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * Where a node stands in its queue.
     *
     * @param present        our node exists (with the expected create revision)
     * @param createRevision our node's create revision, the fencing token
     * @param leaseId        the lease our node is attached to
     * @param ahead          the node just ahead of ours, or null when ours is the oldest: we hold the lock
     * @param revision       the store revision this answer was read at; watch {@code ahead} from the next one
     */
    record Position(boolean present, long createRevision, long leaseId, @Nullable ByteSequence ahead, long revision) {

        static Position absent(long revision) {
            return new Position(false, 0, 0, null, revision);
        }

        boolean holds() {
            return present && ahead == null;
        }
    }

    /** The oldest node of a queue (the holder), or null when the lock is free, read at {@code revision}. */
    record Head(@Nullable ByteSequence key, long revision) {
    }

    /** {@code ttl} in etcd's unit: whole seconds, rounded up, at least 1. */
    static long seconds(Duration ttl) {
        return Math.max(1, (ttl.toMillis() + 999) / 1000);
    }

    /**
     * Grants a lease of {@code ttl} in {@link #seconds whole seconds} and returns its id. etcd raises a
     * TTL under its minimum (1.5 election timeouts) to that minimum; what was asked is what counts for
     * later renewals, so the granted TTL is not returned.
     */
    long grant(Duration ttl) {
        return await(client.getLeaseClient().grant(seconds(ttl)), "grant a lease").getID();
    }

    /** Sets the lease's remaining time back to its granted TTL; false when etcd no longer has the lease. */
    CompletableFuture<Boolean> keepAliveOnce(long leaseId) {
        return client.getLeaseClient().keepAliveOnce(leaseId)
                .thenApply(response -> response.getTTL() > 0)
                .exceptionallyCompose(error -> EtcdErrors.leaseNotFound(error)
                        ? CompletableFuture.completedFuture(false)
                        : CompletableFuture.failedFuture(error));
    }

    /** Revokes a lease we no longer need, without waiting: an unused lease would expire on its own anyway. */
    void revokeQuietly(long leaseId) {
        if (leaseId != 0) {
            client.getLeaseClient().revoke(leaseId).exceptionally(error -> null);
        }
    }

    /**
     * ENQUEUE. If: create_revision(node) == 0 (absent). Then: put(node, owner, lease), get the two
     * newest nodes of the queue. Else: get(node).
     * Succeeded: our node was created at the transaction's revision; the newest node other than ours
     * is the one ahead of us (ours is the newest), none means we hold the lock. Failed: the node was
     * already there (a retry after a lost reply): its position is read with {@link #position}, a
     * second round trip, and the answer carries the node's own lease, not {@code leaseId}.
     */
    Position enqueue(ByteSequence queue, ByteSequence node, String owner, long leaseId) {
        TxnResponse response = await(client.getKVClient().txn()
                .If(absent(node))
                .Then(Op.put(node, EtcdKeyLayout.bytes(owner), PutOption.builder().withLeaseId(leaseId).build()),
                        Op.get(queue, NEWEST_TWO))
                .Else(Op.get(node, GetOption.DEFAULT))
                .commit(), "enqueue");
        long revision = response.getHeader().getRevision();
        List<GetResponse> gets = response.getGetResponses();
        if (!response.isSucceeded()) {
            List<KeyValue> existing = gets.get(0).getKvs();
            if (existing.isEmpty()) {
                return Position.absent(revision);
            }
            KeyValue kv = existing.get(0);
            return position(queue, node, kv.getCreateRevision(), kv.getLease());
        }
        // A loop, not a stream: this runs for every grant.
        ByteSequence ahead = null;
        for (KeyValue kv : gets.get(0).getKvs()) {
            ByteSequence key = kv.getKey();
            if (!key.equals(node)) {
                ahead = key;
                break;
            }
        }
        return new Position(true, revision, leaseId, ahead, revision);
    }

    /**
     * POSITION. If: create_revision(node) == ours. Then: get the newest node of the queue created
     * before ours. Failed: our node is gone (lease expired, revoked or deleted). Succeeded with no
     * node before ours: we hold the lock.
     */
    Position position(ByteSequence queue, ByteSequence node, long createRevision, long leaseId) {
        GetOption before = GetOption.builder()
                .isPrefix(true).withMaxCreateRevision(createRevision - 1)
                .withSortField(SortTarget.CREATE).withSortOrder(SortOrder.DESCEND)
                .withLimit(1).withKeysOnly(true).build();
        TxnResponse response = await(client.getKVClient().txn()
                .If(createdAt(node, createRevision))
                .Then(Op.get(queue, before))
                .commit(), "read the queue");
        long revision = response.getHeader().getRevision();
        if (!response.isSucceeded()) {
            return Position.absent(revision);
        }
        List<KeyValue> ahead = response.getGetResponses().get(0).getKvs();
        return new Position(true, createRevision, leaseId, ahead.isEmpty() ? null : ahead.get(0).getKey(), revision);
    }

    /** HEAD. Get the oldest node of the queue (linearizable read): who holds the lock, if anyone. */
    Head head(ByteSequence queue) {
        GetResponse response = await(client.getKVClient().get(queue, OLDEST), "read the lock holder");
        List<KeyValue> kvs = response.getKvs();
        return new Head(kvs.isEmpty() ? null : kvs.get(0).getKey(), response.getHeader().getRevision());
    }

    /** READ. Get our node: its create revision and lease, or null when it does not exist. */
    @Nullable KeyValue read(ByteSequence node) {
        List<KeyValue> kvs = await(client.getKVClient().get(node), "read a lock node").getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /**
     * CHECK. If: create_revision(node) == ours. Then, else: nothing. True when our node still exists:
     * the owner check of a renewal (a deleted node was an expired lease or a forced release).
     */
    boolean exists(ByteSequence node, long createRevision) {
        return await(client.getKVClient().txn().If(createdAt(node, createRevision)).commit(), "check a lock node")
                .isSucceeded();
    }

    /**
     * RELEASE. If: create_revision(node) == ours. Then: delete(node). The guard keeps a late release
     * (our lease expired meanwhile) from deleting anything but the very node we created.
     * True when our node was deleted; the deletion is what wakes the watcher behind us.
     */
    boolean delete(ByteSequence node, long createRevision) {
        return deletedAt(node, createRevision) != 0;
    }

    /** {@link #delete}, answering the revision of the deletion, or 0 when our node was not there. */
    long deletedAt(ByteSequence node, long createRevision) {
        return revisionIfDeleted(await(sendDelete(node, createRevision), "release"));
    }

    /**
     * TAKE OUT. If: create_revision(node) == ours. Then: delete(node), get(ahead). Else: get(ahead).
     * A denied unfair node leaves the queue again, and the answer says whether the node ahead was
     * still there at that revision: a watch on it can then start right after our own delete. From an
     * earlier revision (the put's), the watch would start in the past, and etcd serves such a watch
     * only at its next sync of unsynced watchers, every 100 ms: the waiter would hear of the release
     * that late.
     *
     * @return {@code ahead} and the revision to watch it after, or a null key when it was gone already
     */
    Head takeOut(ByteSequence node, long createRevision, ByteSequence ahead) {
        TxnResponse response = await(client.getKVClient().txn()
                .If(createdAt(node, createRevision))
                .Then(Op.delete(node, DeleteOption.DEFAULT), Op.get(ahead, KEY_ONLY))
                .Else(Op.get(ahead, KEY_ONLY))
                .commit(), "take a denied lock node out");
        boolean aheadPresent = !response.getGetResponses().get(0).getKvs().isEmpty();
        return new Head(aheadPresent ? ahead : null, response.getHeader().getRevision());
    }

    /**
     * {@link #deletedAt}, sent without waiting: the caller bounds the wait (the engine's deadline). Fails
     * with {@link LockBackendException} where {@link #delete} would throw it; completes on jetcd's thread.
     */
    CompletableFuture<Long> dispatchDelete(ByteSequence node, long createRevision) {
        return sendDelete(node, createRevision).handle((response, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                throw new LockBackendException("etcd could not release: " + cause.getMessage(), cause);
            }
            return revisionIfDeleted(response);
        });
    }

    private static long revisionIfDeleted(TxnResponse response) {
        return response.isSucceeded() ? response.getHeader().getRevision() : 0;
    }

    private CompletableFuture<TxnResponse> sendDelete(ByteSequence node, long createRevision) {
        return client.getKVClient().txn()
                .If(createdAt(node, createRevision))
                .Then(Op.delete(node, DeleteOption.DEFAULT))
                .commit();
    }

    /**
     * HAND OVER. If: create_revision(node) == ours, create_revision(next) == 0 (absent). Then:
     * delete(node), put(next, nextOwner, lease), get the oldest node of the queue. One write: nobody
     * can be granted between the holder's deletion and the next owner's node. Else: nothing.
     * Succeeded: the next node was created at the transaction's revision (its fencing token, above
     * ours) and holds unless an older node of another client's fair waiter is left in the queue:
     * then that one is {@code ahead}. Failed (absent): our node is gone, or the next one exists
     * already (an earlier attempt whose reply was lost); nothing changed.
     */
    Position handOver(ByteSequence queue, ByteSequence node, long createRevision, ByteSequence next, String nextOwner,
                      long leaseId) {
        TxnResponse response = await(client.getKVClient().txn()
                .If(createdAt(node, createRevision), absent(next))
                .Then(Op.delete(node, DeleteOption.DEFAULT),
                        Op.put(next, EtcdKeyLayout.bytes(nextOwner), PutOption.builder().withLeaseId(leaseId).build()),
                        Op.get(queue, OLDEST))
                .commit(), "hand over");
        long revision = response.getHeader().getRevision();
        if (!response.isSucceeded()) {
            return Position.absent(revision);
        }
        List<KeyValue> oldest = response.getGetResponses().get(0).getKvs();
        ByteSequence ahead = oldest.isEmpty() || oldest.get(0).getKey().equals(next) ? null : oldest.get(0).getKey();
        return new Position(true, revision, leaseId, ahead, revision);
    }

    /**
     * WITHDRAW. delete(node), returning the deleted node (for its lease) or null. Unguarded: the node
     * is named after our owner id, so no one else's node can have this name.
     */
    @Nullable KeyValue deleteOwn(ByteSequence node) {
        List<KeyValue> deleted = await(client.getKVClient().delete(node, DeleteOption.builder().withPrevKV(true).build()),
                "withdraw a lock node").getPrevKvs();
        return deleted.isEmpty() ? null : deleted.get(0);
    }

    /**
     * MOVE. If: create_revision(node) == ours. Then: put(node, owner, new lease). The node keeps its
     * create revision (its place in the queue and its fencing token) and from now on lives as long as
     * the new lease: how a renewal changes the TTL, e.g. shortens it to the rest of holdAtLeast.
     */
    boolean moveToLease(ByteSequence node, long createRevision, String owner, long leaseId) {
        return await(client.getKVClient().txn()
                .If(createdAt(node, createRevision))
                .Then(Op.put(node, EtcdKeyLayout.bytes(owner), PutOption.builder().withLeaseId(leaseId).build()))
                .commit(), "move a lock to a new lease").isSucceeded();
    }

    /** A cheap linearizable read of the prefix (needs a leader), for the health check. */
    GetResponse ping(ByteSequence root, Duration within) {
        return await(client.getKVClient().get(root, GetOption.builder().isPrefix(true).withCountOnly(true).build()),
                "read the lock prefix", within);
    }

    <T> T await(CompletableFuture<T> call, String what) {
        return await(call, what, timeout);
    }

    private static <T> T await(CompletableFuture<T> call, String what, Duration within) {
        try {
            return call.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(false);
            throw new LockBackendException("etcd did not answer within " + within + " to " + what, e);
        } catch (ExecutionException e) {
            throw new LockBackendException("etcd could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockBackendException("Interrupted while waiting for etcd to " + what, e);
        }
    }

    private static Cmp absent(ByteSequence node) {
        return new Cmp(node, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
    }

    private static Cmp createdAt(ByteSequence node, long createRevision) {
        return new Cmp(node, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision));
    }
}
