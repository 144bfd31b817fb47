package dev.distlock.jdbc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.ReleaseNotifications.Subscription;
import dev.distlock.spi.support.DaemonThreads;
import dev.distlock.spi.support.WaiterRegistry;

/**
 * The one thread of a MySQL/MariaDB backend that wakes its waiters, since the server cannot notify:
 * while any key is waited for, it reads through the {@link MySqlWaiterMarks} which of the marked keys
 * are held, every {@link #POLL_INTERVAL}, in one statement per {@link LockTableSql#RENEW_CHUNK} keys,
 * and wakes the waiters of a key it saw held and now sees free: one query per interval for all of
 * this backend's waiters, instead of each waiter's back-off (up to 500 ms) that would miss the
 * releaser's {@code waitersFirst} window. A release and a new grant between two reads go unseen; the
 * waiter then retries at the holder's expiry, or the engine's safety poll.
 */
final class MySqlReleaseWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MySqlReleaseWatcher.class);

    /** Between two reads of the waited-for keys: well inside the engine's default waitersFirst (100 ms). */
    static final Duration POLL_INTERVAL = Duration.ofMillis(10);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final MySqlWaiterMarks marks;
    private final String table;
    private final WaiterRegistry<String> waiters = new WaiterRegistry<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Subscriptions whose key is marked; guarded by {@link #lock}. */
    private int subscriptions;
    private @Nullable Thread thread;
    private volatile boolean closed;

    /** @param table the lock table, which names the thread */
    MySqlReleaseWatcher(MySqlWaiterMarks marks, String table) {
        this.marks = marks;
        this.table = table;
    }

    /**
     * Marks the key as waited for and watches it until the subscription is closed.
     *
     * @throws LockBackendException when the mark could not be placed: the waiter then polls
     */
    Subscription subscribe(String keyHash, Runnable onChange) {
        Subscription waiting = waiters.add(keyHash, onChange);
        try {
            marks.mark(keyHash); // not under our lock: close() never waits for a store that does not answer
        } catch (RuntimeException e) {
            waiting.close();
            throw e;
        }
        lock.lock();
        try {
            subscriptions++;
            if (thread == null && !closed) {
                thread = DaemonThreads.named("distlock-jdbc-watch-" + table).newThread(this::run);
                thread.start();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) { // a mark given up twice would give up another waiter's
                waiting.close();
                unsubscribe(keyHash);
            }
        };
    }

    private void unsubscribe(String keyHash) {
        try {
            marks.unmark(keyHash);
        } finally {
            lock.lock();
            try {
                subscriptions--;
            } finally {
                lock.unlock();
            }
        }
    }

    private void run() {
        while (!closed) {
            lock.lock();
            try {
                while (subscriptions == 0 && !closed) {
                    changed.await();
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            MySqlWaiterMarks.FreedKeys freed = marks.readFreedKeys();
            Exception failure = freed.failure();
            if (failure != null && !closed) {
                log.warn("distlock-jdbc: the waiter-marking connection failed, reconnecting in {}: {}", RECONNECT_DELAY,
                        failure.getMessage());
            }
            freed.keys().forEach(waiters::wake);
            if (!ThreadPause.unlessClosed(lock, changed, () -> closed, failure == null ? POLL_INTERVAL : RECONNECT_DELAY)) {
                return;
            }
        }
    }

    /** Ends the thread at its next wait; {@link MySqlWaiterMarks#close()} gives up the marks. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
