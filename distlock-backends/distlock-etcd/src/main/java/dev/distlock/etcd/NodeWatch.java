package dev.distlock.etcd;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one queue node (the one a waiter follows) for its deletion, from a given revision on, so that a deletion between our
 * read and the start of the watch is still delivered. The deletion is reported on jetcd's own thread,
 * since waking the waiter at once is the point of the watch (a hop to another thread is a tenth of a
 * millisecond of every hand-off): {@code onDeleted} must neither block nor take a lock that a thread
 * waiting on etcd may hold. The end of the watch, which leads to work, runs on {@code executor}.
 */
final class NodeWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeWatch.class);

    private final ByteSequence node;
    private final Watch.Watcher watcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean fired = new AtomicBoolean();

    /**
     * @param onDeleted runs once, on jetcd's thread, when the node is deleted (released, expired, revoked)
     * @param onEnded   runs once if the watch ends by itself (compaction, a halted stream): the
     *                  deletion can no longer be seen, so the caller should look again
     */
    private NodeWatch(Watch watch, ByteSequence node, long fromRevision, Executor executor,
                      Runnable onDeleted, Runnable onEnded) {
        this.node = node;
        WatchOption option = WatchOption.builder().withRevision(fromRevision).withNoPut(true).build();
        this.watcher = watch.watch(node, option, Watch.listener(
                response -> {
                    if (isDeletion(response) && fired.compareAndSet(false, true)) {
                        onDeleted.run();
                    }
                },
                error -> log.debug("Watch on {} reported {}; jetcd resumes it when it can", node, error.toString()),
                () -> {
                    if (!closed.get() && fired.compareAndSet(false, true)) {
                        executor.execute(onEnded);
                    }
                }));
    }

    static NodeWatch start(Watch watch, ByteSequence node, long fromRevision, Executor executor,
                           Runnable onDeleted, Runnable onEnded) {
        return new NodeWatch(watch, node, fromRevision, executor, onDeleted, onEnded);
    }

    ByteSequence node() {
        return node;
    }

    /** Still able to report: not closed, not fired, not ended. */
    boolean isLive() {
        return !closed.get() && !fired.get() && !watcher.isClosed();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watcher.close();
        }
    }

    private static boolean isDeletion(WatchResponse response) {
        return response.getEvents().stream().anyMatch(event -> event.getEventType() == WatchEvent.EventType.DELETE);
    }
}
