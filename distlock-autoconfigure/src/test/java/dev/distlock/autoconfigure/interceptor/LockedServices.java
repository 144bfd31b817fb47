package dev.distlock.autoconfigure.interceptor;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.distlock.DistributedLock;
import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.OnLocked;

/** Annotated beans for the end-to-end tests. */
final class LockedServices {

    private LockedServices() {
    }

    /** No interface: proxied with CGLIB. */
    public static class OrderService {

        private int counter;

        /** Read-modify-write that loses updates unless calls are serialized. */
        @DistributedLock(key = "#account", waitFor = "10s")
        public void increment(String account) {
            int read = counter;
            Thread.yield();
            counter = read + 1;
        }

        public int counter() {
            return counter;
        }

        @DistributedLock(key = "#key", waitFor = "5s")
        public boolean meet(String key, CountDownLatch both) throws InterruptedException {
            both.countDown();
            return both.await(5, TimeUnit.SECONDS);
        }

        @DistributedLock(key = "#id", onLocked = OnLocked.SKIP)
        public String skipToNull(String id) {
            return "ran";
        }

        @DistributedLock(key = "#id", onLocked = OnLocked.SKIP)
        public Optional<String> skipToEmpty(String id) {
            return Optional.of("ran");
        }

        @DistributedLock(key = "#id")
        public String failWhenHeld(String id) {
            return "ran";
        }

        @DistributedLock(key = "#id")
        public Lease currentLease(String id) {
            return LockContext.currentLease().orElse(null);
        }

        @DistributedLock(key = "#root.methodName + '/' + #root.target.tag + '/' + @keyPrefix.value + '/' + #p0 + '/' + #a1")
        public String rootAndBeanKey(String first, int second) {
            return LockContext.currentLease().map(Lease::key).orElse(null);
        }

        public String getTag() {
            return "orders";
        }

        @DistributedLock(key = "#id")
        public String nullableKey(String id) {
            return "ran";
        }

        @DistributedLock(key = "#order.id")
        public String nestedKey(Order order) {
            return "ran";
        }

        @DistributedLock(key = "#id")
        public CompletableFuture<String> later(String id, CompletableFuture<String> work) {
            return work;
        }

        @DistributedLock(key = "#id", onLocked = OnLocked.SKIP)
        public CompletableFuture<String> laterOrSkip(String id) {
            return CompletableFuture.completedFuture("ran");
        }
    }

    public record Order(String id) {
    }

    public static class KeyPrefix {
        public String getValue() {
            return "eu";
        }
    }

    /** Annotated on the interface: a JDK proxy unless class proxying is forced. */
    public interface Greeter {
        @DistributedLock(key = "#name")
        String greet(String name);
    }

    public static class DefaultGreeter implements Greeter {
        @Override
        public String greet(String name) {
            return LockContext.currentLease().map(Lease::key).orElse("unlocked");
        }
    }

    public interface Payments {
        String pay(String orderId);
    }

    /** Annotated on the implementation of an interface method. */
    public static class DefaultPayments implements Payments {
        @Override
        @DistributedLock(key = "#orderId")
        public String pay(String orderId) {
            return LockContext.currentLease().map(Lease::key).orElse("unlocked");
        }
    }
}
