package dev.distlock.autoconfigure.aot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.aot.AotDetector;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;

import dev.distlock.DistributedLock;
import dev.distlock.autoconfigure.interceptor.LockExpressionRoot;

class DistributedLockRuntimeHintsTest {

    private final RuntimeHints hints = new RuntimeHints();

    @Test
    void springFindsTheRegistrarAndTheProcessorThroughAotFactories() {
        assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
                .anyMatch(DistributedLockRuntimeHints.class::isInstance);
        assertThat(AotServices.factories().load(BeanRegistrationAotProcessor.class))
                .anyMatch(LockedMethodsAotProcessor.class::isInstance);
        assertThat(AotDetector.useGeneratedArtifacts()).as("this test runs without AOT").isFalse();
    }

    @Test
    void theAnnotationAndTheSpelRootAreReachableByReflection() {
        new DistributedLockRuntimeHints().registerHints(hints, getClass().getClassLoader());

        assertThat(RuntimeHintsPredicates.reflection().onType(DistributedLock.class)
                .withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(LockExpressionRoot.class)
                .withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(DistributedLockRuntimeHints.POSTGRES_CONNECTION)))
                .accepts(hints);
    }

    @Test
    void everyJdbcSchemaIsIncludedAndTheFilesExistUnderThatPattern() {
        new DistributedLockRuntimeHints().registerHints(hints, getClass().getClassLoader());

        for (String dialect : new String[] { "h2", "mysql", "postgresql", "portable" }) {
            String schema = "dev/distlock/jdbc/schema-" + dialect + ".sql";
            assertThat(getClass().getClassLoader().getResource(schema)).as(schema).isNotNull();
            assertThat(RuntimeHintsPredicates.resource().forResource(schema)).as(schema).accepts(hints);
        }
    }
}
