package dev.distlock.autoconfigure.reactive;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.aop.ProxyMethodInvocation;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.autoconfigure.interceptor.LockObservations;
import dev.distlock.autoconfigure.interceptor.LockedCall;

/**
 * The lock of one subscription to a locked {@code Mono} or {@code Flux}: acquired on a
 * bounded-elastic thread (the engine blocks while it waits, which a Reactor thread must not),
 * released on completion, error or cancellation, on a release thread of its own. A cancellation
 * that arrives while the lock is still being acquired wins: the lock is given back as soon as it
 * is granted, and the method never runs.
 */
final class ReactiveLock {

    private static final Object RELEASED = new Object();

    /*
     * Releases never queue behind acquisitions: each waiting acquisition blocks a bounded-elastic
     * thread, and with more waiters than threads a release queued behind them would wait out their
     * waitFor, while they wait for that very release. A release blocks only for one store call.
     */
    private static final Scheduler RELEASES = Schedulers.newBoundedElastic(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
            Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "distlock-release", 60, true);

    private final LockedCall call;
    private final MethodInvocation invocation;
    // null until granted, then the Lease, finally RELEASED.
    private final AtomicReference<Object> state = new AtomicReference<>();
    private volatile LockObservations.Execution execution = LockObservations.Execution.NONE;

    ReactiveLock(LockedCall call, MethodInvocation invocation) {
        // Created per subscription: a cron job's hold is worked out from the time of this one.
        this.call = call.atSubscription();
        // A copy per subscription: a re-subscribed publisher (retry, repeat) runs the method and the rest of the chain again.
        this.invocation = invocation instanceof ProxyMethodInvocation proxy ? proxy.invocableClone() : invocation;
    }

    /** Whether the lock is held for this subscription now; emits on a bounded-elastic thread. */
    Mono<Boolean> acquire() {
        return Mono.fromCallable(this::acquireBlocking).subscribeOn(Schedulers.boundedElastic());
    }

    private boolean acquireBlocking() {
        Optional<Lease> granted;
        try {
            granted = call.tryAcquireDetached();
        } catch (RuntimeException e) {
            if (state.get() == RELEASED) {
                return false; // cancelled while waiting (the wait was interrupted): nobody listens any more
            }
            throw e;
        }
        if (granted.isEmpty()) {
            return false;
        }
        Lease lease = granted.get();
        execution = call.startExecution(lease);
        if (!state.compareAndSet(null, lease)) {
            // Cancelled while we waited for the grant: give the lock back at once.
            lease.close();
            execution.stop(null);
            return false;
        }
        return true;
    }

    /** Runs the method (assembling its publisher) with the lease bound, and makes the lease visible in the Reactor context. */
    @SuppressWarnings("unchecked")
    Publisher<Object> proceed() throws Throwable {
        Lease lease = (Lease) state.get();
        Object result;
        try (LockContext.Scope bound = call.bind(lease)) {
            result = invocation.proceed();
        }
        return result == null ? Mono.empty() : (Publisher<Object>) result;
    }

    Lease lease() {
        return (Lease) state.get();
    }

    /** For Mono/Flux.usingWhen: completes once the lock is released (at once when it was never granted). */
    Mono<Void> release(@Nullable Throwable error) {
        return Mono.<Void>fromRunnable(() -> releaseBlocking(error)).subscribeOn(RELEASES);
    }

    private void releaseBlocking(@Nullable Throwable error) {
        Object previous = state.getAndSet(RELEASED);
        if (previous instanceof Lease lease) {
            try {
                lease.close();
            } finally {
                execution.stop(error);
            }
        }
    }
}
