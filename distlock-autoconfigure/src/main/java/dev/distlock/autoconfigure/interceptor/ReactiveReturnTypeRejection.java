package dev.distlock.autoconfigure.interceptor;

import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;

import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

/**
 * Reactive types other than Reactor's Mono and Flux (a bare {@code Publisher}, RxJava, Kotlin
 * flows through adapters): not supported, so such methods fail start-up instead of being locked
 * only while the publisher is assembled (which would release the lock before any work ran).
 * Listed after the Mono and Flux strategies, so it sees only the types they leave.
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
        return "reactive return types other than Mono and Flux (" + returnType.getSimpleName() + ") are not supported: "
                + "the lock would be released when the publisher is assembled, before any subscriber ran the work. "
                + "Declare Mono or Flux (with reactor-core present), a CompletableFuture or a plain value";
    }

    @Override
    public Object invoke(MethodInvocation invocation, LockedCall call) {
        throw new UnsupportedOperationException("rejected at start-up");
    }

    private static final class PublisherCheck {
        static boolean isPublisher(Class<?> type) {
            return Publisher.class.isAssignableFrom(type);
        }
    }
}
