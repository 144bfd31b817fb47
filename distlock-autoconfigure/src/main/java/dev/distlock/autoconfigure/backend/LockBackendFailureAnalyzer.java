package dev.distlock.autoconfigure.backend;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

import dev.distlock.autoconfigure.LockBackendType;

/**
 * Turns a failed backend selection into an action naming {@code distlock.backend} and its choices:
 * a backend that cannot be configured ({@link LockBackendNotAvailableException}) or an unknown
 * value (Boot's {@link BindException} for {@code distlock.backend}, analysed before Boot's own
 * generic binding analysis so that the user sees the list of backends).
 */
public final class LockBackendFailureAnalyzer implements FailureAnalyzer, Ordered {

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof LockBackendNotAvailableException notAvailable) {
                return new FailureAnalysis(notAvailable.description(), notAvailable.action(), notAvailable);
            }
            if (cause instanceof BindException bind && LockBackendSelection.PROPERTY.equals(bind.getName().toString())) {
                Object value = bind.getProperty() != null ? bind.getProperty().getValue() : null;
                return new FailureAnalysis(
                        LockBackendSelection.PROPERTY + " has the unknown value '" + value + "'.",
                        "Set " + LockBackendSelection.PROPERTY + " to one of: "
                                + String.join(", ", LockBackendType.propertyValues()) + ".",
                        bind);
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
