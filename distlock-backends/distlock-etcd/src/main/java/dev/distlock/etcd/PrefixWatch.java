package dev.distlock.etcd;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch on every node under the backend's prefix, for deletions only: how the backend hears
 * that one of its held nodes was deleted (lease expired or revoked, someone deleted it), one stream
 * for all held locks instead of one watch per lock. It starts from a given revision, so that a
 * deletion between a read and the start of the watch is still delivered.
 *
 * <p>{@code onDeleted} runs on jetcd's thread with the deleted key and the revision of the deletion:
 * it must only look the key up and hand real work to another executor. {@code onEnded} runs once
 * when the watch ends by itself (etcd cancelled it after a compaction, jetcd gave up on its stream):
 * deletions may then go unseen until it is started again.
 */
final class PrefixWatch {

    private static final Logger log = LoggerFactory.getLogger(PrefixWatch.class);

    private final Watch watch;
    private final ByteSequence root;
    private final BiConsumer<ByteSequence, Long> onDeleted;
    private final Runnable onEnded;
    private Watch.@Nullable Watcher watcher;
    /** The revision the running watch reports from; deletions at this revision or later are delivered. */
    private long fromRevision;
    private boolean live;
    private boolean closed;
    /** Not a monitor: see LockSlot (a virtual thread must not block inside synchronized). */
    private final ReentrantLock guard = new ReentrantLock();

    PrefixWatch(Watch watch, ByteSequence root, BiConsumer<ByteSequence, Long> onDeleted, Runnable onEnded) {
        this.watch = watch;
        this.root = root;
        this.onDeleted = onDeleted;
        this.onEnded = onEnded;
    }

    /**
     * Makes sure deletions from {@code revision} on are delivered: starts the watch from there if it
     * is not running. False when it runs from a later revision (or the backend is closed): a deletion
     * before that may have been missed, and the caller must read the node to know.
     */
    boolean covers(long revision) {
        guard.lock();
        try {
            if (closed) {
                return false;
            }
            if (!live) {
                start(revision);
                return true;
            }
            return fromRevision <= revision;
        } finally {
            guard.unlock();
        }
    }

    /** Running: a deletion of a node tracked since it started is delivered. */
    boolean isLive() {
        guard.lock();
        try {
            return live;
        } finally {
            guard.unlock();
        }
    }

    /** Starts the watch again from {@code revision}, after it ended. */
    void restart(long revision) {
        guard.lock();
        try {
            if (!closed) {
                stop();
                start(revision);
            }
        } finally {
            guard.unlock();
        }
    }

    void close() {
        guard.lock();
        try {
            closed = true;
            stop();
        } finally {
            guard.unlock();
        }
    }

    private void start(long revision) {
        fromRevision = revision;
        live = true;
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).withNoPut(true).build();
        Watch.Watcher[] self = new Watch.Watcher[1];
        self[0] = watch.watch(root, option, Watch.listener(
                response -> {
                    for (WatchEvent event : response.getEvents()) {
                        if (event.getEventType() == WatchEvent.EventType.DELETE) {
                            onDeleted.accept(event.getKeyValue().getKey(), event.getKeyValue().getModRevision());
                        }
                    }
                },
                error -> log.debug("The watch on {} reported {}; jetcd resumes it when it can", root, error.toString()),
                () -> ended(self)));
        watcher = self[0];
    }

    private void ended(Watch.@Nullable Watcher[] self) {
        guard.lock();
        try {
            if (closed || self[0] == null || self[0] != watcher || !live) {
                return; // closed by us, or an older watch
            }
            live = false;
        } finally {
            guard.unlock();
        }
        onEnded.run();
    }

    private void stop() {
        live = false;
        if (watcher != null) {
            Watch.Watcher stopping = watcher;
            watcher = null;
            stopping.close();
        }
    }
}
