package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.ClassUtils;

import dev.distlock.autoconfigure.reactive.FluxReturnTypeHandler;
import dev.distlock.autoconfigure.reactive.MonoReturnTypeHandler;
import dev.distlock.autoconfigure.reactive.SuspendingFlowReturnTypeHandler;
import dev.distlock.autoconfigure.reactive.SuspendingFunctionReturnTypeHandler;

/** The return-type strategies in the order they are asked; the plain one last, as it takes anything. */
public final class ReturnTypeHandlers {

    private final List<ReturnTypeHandler> handlers;

    public ReturnTypeHandlers(List<ReturnTypeHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    /** {@link #defaults(ClassLoader)} with the libraries that load with distlock itself. */
    public static ReturnTypeHandlers defaults() {
        return defaults(ReturnTypeHandlers.class.getClassLoader());
    }

    /**
     * Kotlin suspend functions run as a Mono (or locked while their Flow is collected), or rejected
     * when the application lacks what Spring needs to run them so; futures, Mono and Flux (when
     * reactor-core is present) held until they complete; other reactive types rejected; anything
     * else released on return. {@code classLoader} is the application's, which tells what it has.
     */
    public static ReturnTypeHandlers defaults(ClassLoader classLoader) {
        boolean reactor = ClassUtils.isPresent("reactor.core.publisher.Mono", classLoader);
        List<ReturnTypeHandler> handlers = new ArrayList<>();
        SuspendingFunctionRejection suspendingRejection = new SuspendingFunctionRejection(classLoader);
        if (suspendingRejection.missingLibraries().isEmpty()) {
            handlers.addAll(CoroutineHandlers.create());
        }
        // Asked after the coroutine strategies: it sees only the suspend functions that they could not take.
        handlers.add(suspendingRejection);
        handlers.add(new CompletionStageReturnTypeHandler());
        if (reactor) {
            handlers.addAll(ReactorHandlers.create());
        }
        handlers.add(new ReactiveReturnTypeRejection());
        handlers.add(new PlainReturnTypeHandler());
        return new ReturnTypeHandlers(handlers);
    }

    public ReturnTypeHandler forReturnType(Class<?> returnType) {
        return handlers.stream().filter(handler -> handler.canHandle(returnType)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No return-type strategy for " + returnType.getName()));
    }

    /** The strategy for {@code method}: like {@link #forReturnType} for most, but a suspend function is told by its parameters. */
    public ReturnTypeHandler forMethod(Method method) {
        return handlers.stream().filter(handler -> handler.canHandle(method)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No return-type strategy for " + method));
    }

    /** Loaded only when Reactor is present. */
    private static final class ReactorHandlers {
        static List<ReturnTypeHandler> create() {
            return List.of(new MonoReturnTypeHandler(), new FluxReturnTypeHandler());
        }
    }

    /** Loaded only when Reactor, kotlinx-coroutines-reactor and kotlin-reflect are present. */
    private static final class CoroutineHandlers {
        static List<ReturnTypeHandler> create() {
            return List.of(new SuspendingFlowReturnTypeHandler(), new SuspendingFunctionReturnTypeHandler());
        }
    }
}
