package dev.distlock.autoconfigure.interceptor;

import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;

import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

import dev.distlock.Lease;

/**
 * Mono, Flux, any Reactive Streams {@code Publisher} and other reactive types: not supported yet,
 * so such methods fail start-up instead of being locked only while the publisher is assembled
 * (which would release the lock before any work ran).
 */
final class ReactiveReturnTypeRejection implements ReturnTypeHandler {

    // Publisher is referenced only when this is true: the application need not have reactive-streams.
    private static final boolean REACTIVE_STREAMS_PRESENT =
            ClassUtils.isPresent("org.reactivestreams.Publisher", ReactiveReturnTypeRejection.class.getClassLoader());

    @Override
    public boolean canHandle(Class<?> returnType) {
        if (REACTIVE_STREAMS_PRESENT && PublisherCheck.isPublisher(returnType)) {
            return true;
        }
        var adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType);
        return adapter != null && !java.util.concurrent.CompletionStage.class.isAssignableFrom(returnType);
    }

    @Override
    public String unsupportedReason(Class<?> returnType) {
        return "reactive return types (" + returnType.getSimpleName() + ") are not supported yet: the lock would be "
                + "released when the publisher is assembled, before any subscriber ran the work. Return a plain value or "
                + "a CompletableFuture, or take the lock inside the pipeline with DistributedLocks";
    }

    @Override
    public Object proceed(MethodInvocation invocation, Lease lease) {
        throw new UnsupportedOperationException("rejected at start-up");
    }

    @Override
    public Object skippedResult(Class<?> returnType) {
        throw new UnsupportedOperationException("rejected at start-up");
    }

    private static final class PublisherCheck {
        static boolean isPublisher(Class<?> type) {
            return Publisher.class.isAssignableFrom(type);
        }
    }
}
