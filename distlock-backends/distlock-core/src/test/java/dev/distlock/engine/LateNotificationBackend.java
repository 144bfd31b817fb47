package dev.distlock.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;

/**
 * The in-memory store with a network's delay on its release notifications, shared by engines that
 * stand for JVMs. A release is heard by the waiters only with the store's next call on that key,
 * after that call: a thread that tries the instant a release returned is always first. A
 * subscription, like a real one, takes a round trip, during which the waiters that a release
 * notified make their try: it returns only after they did ({@link #awaitNotifiedWaitersTried}).
 * {@link #hearReleases} delivers what is still unheard, for the end of a run when nobody calls any more.
 */
final class LateNotificationBackend extends ForwardingInMemoryBackend {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition attempted = lock.newCondition();
    // Guarded by lock.
    private final Map<String, List<Waiter>> waiters = new HashMap<>();
    private final Set<String> unheardReleases = new HashSet<>();
    private final Set<String> notifiedNotTried = new HashSet<>();

    @Override
    public String name() {
        return "late-notification";
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        AcquireResult result = super.tryAcquire(request);
        lock.lock();
        try {
            if (notifiedNotTried.remove(request.owner())) {
                attempted.signalAll();
            }
        } finally {
            lock.unlock();
        }
        notify(request.key(), request.owner());
        return result;
    }

    @Override
    public boolean release(String key, String owner) {
        boolean released = super.release(key, owner);
        if (released) {
            lock.lock();
            try {
                unheardReleases.add(key);
            } finally {
                lock.unlock();
            }
        }
        return released;
    }

    @Override
    public Subscription subscribe(String key, String owner, Runnable onChange) {
        Waiter waiter = new Waiter(owner, onChange);
        lock.lock();
        try {
            waiters.computeIfAbsent(key, k -> new ArrayList<>()).add(waiter);
        } finally {
            lock.unlock();
        }
        notify(key, owner);
        awaitNotifiedWaitersTried(owner);
        return () -> {
            lock.lock();
            try {
                waiters.getOrDefault(key, new ArrayList<>()).remove(waiter);
                if (notifiedNotTried.remove(owner)) { // it stopped waiting: it will not try
                    attempted.signalAll();
                }
            } finally {
                lock.unlock();
            }
        };
    }

    /** Delivers the releases of {@code key} nobody has heard yet. */
    void hearReleases(String key) {
        notify(key, "");
    }

    /** Tells the waiters of {@code key} but {@code caller} of an unheard release; returns how many. */
    private int notify(String key, String caller) {
        List<Runnable> woken = new ArrayList<>();
        lock.lock();
        try {
            if (!unheardReleases.remove(key)) {
                return 0;
            }
            for (Waiter waiter : waiters.getOrDefault(key, List.of())) {
                if (!waiter.owner.equals(caller)) {
                    woken.add(waiter.onChange);
                    notifiedNotTried.add(waiter.owner);
                }
            }
        } finally {
            lock.unlock();
        }
        woken.forEach(Runnable::run);
        return woken.size();
    }

    /** Until every waiter that heard of a release has made its next try (bounded: 10 s). */
    void awaitNotifiedWaitersTried() {
        awaitNotifiedWaitersTried("");
    }

    /** Until every waiter but {@code self} that heard of a release has made its next try (bounded: 10 s). */
    private void awaitNotifiedWaitersTried(String self) {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!notifiedNotTried.isEmpty() && !(notifiedNotTried.size() == 1 && notifiedNotTried.contains(self))) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("notified waiters did not try within 10 s: " + notifiedNotTried);
                }
                attempted.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private record Waiter(String owner, Runnable onChange) {
    }
}
