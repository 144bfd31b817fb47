package dev.distlock.autoconfigure.backend;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.ClassMetadata;

/**
 * Matches the backend configuration class that {@link LockBackendSelection} chooses. Evaluated
 * when beans are registered, so that candidates see the connection beans of the application's
 * configuration and of the auto-configurations that run before distlock's.
 */
public final class LockBackendCondition extends SpringBootCondition implements ConfigurationCondition {

    @Override
    public ConfigurationPhase getConfigurationPhase() {
        return ConfigurationPhase.REGISTER_BEAN;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        LockBackendCandidate self = LockBackendConfigurations.forConfigurationClass(((ClassMetadata) metadata).getClassName());
        LockBackendSelection selection = LockBackendSelection.select(context.getEnvironment(), context.getClassLoader(),
                context.getBeanFactory());
        String type = self.type().propertyValue();
        if (selection.chosen() == self) {
            return ConditionOutcome.match(selection.requested() != null ? "distlock.backend is " + type
                    : selection.fallback() ? "no lock backend module is present"
                    : "the " + type + " backend is the only one present that can be configured");
        }
        return ConditionOutcome.noMatch(selection.failure() != null ? selection.failure().getMessage()
                : "the " + (selection.chosen() == null ? "no" : selection.chosen().type().propertyValue()) + " backend was chosen");
    }
}
