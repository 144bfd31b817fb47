package dev.distlock.autoconfigure.interceptor;

import java.util.List;

/** The return-type strategies in the order they are asked; the plain one last, as it takes anything. */
public final class ReturnTypeHandlers {

    private final List<ReturnTypeHandler> handlers;

    public ReturnTypeHandlers(List<ReturnTypeHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    /** Futures and reactive types handled (or rejected) by their strategies, anything else released on return. */
    public static ReturnTypeHandlers defaults() {
        return new ReturnTypeHandlers(List.of(new CompletionStageReturnTypeHandler(), new ReactiveReturnTypeRejection(),
                new PlainReturnTypeHandler()));
    }

    public ReturnTypeHandler forReturnType(Class<?> returnType) {
        return handlers.stream().filter(handler -> handler.canHandle(returnType)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No return-type strategy for " + returnType.getName()));
    }
}
