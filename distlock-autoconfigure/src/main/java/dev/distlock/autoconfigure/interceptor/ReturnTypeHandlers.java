package dev.distlock.autoconfigure.interceptor;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.ClassUtils;

import dev.distlock.autoconfigure.reactive.FluxReturnTypeHandler;
import dev.distlock.autoconfigure.reactive.MonoReturnTypeHandler;

/** The return-type strategies in the order they are asked; the plain one last, as it takes anything. */
public final class ReturnTypeHandlers {

    private static final boolean REACTOR_PRESENT =
            ClassUtils.isPresent("reactor.core.publisher.Mono", ReturnTypeHandlers.class.getClassLoader());

    private final List<ReturnTypeHandler> handlers;

    public ReturnTypeHandlers(List<ReturnTypeHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    /**
     * Futures, Mono and Flux (when reactor-core is present) held until they complete, other reactive
     * types rejected, anything else released on return.
     */
    public static ReturnTypeHandlers defaults() {
        List<ReturnTypeHandler> handlers = new ArrayList<>();
        handlers.add(new CompletionStageReturnTypeHandler());
        if (REACTOR_PRESENT) {
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

    /** Loaded only when Reactor is present. */
    private static final class ReactorHandlers {
        static List<ReturnTypeHandler> create() {
            return List.of(new MonoReturnTypeHandler(), new FluxReturnTypeHandler());
        }
    }
}
