package dev.distlock.autoconfigure.backend;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.inmemory.InMemoryLockBackendConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** The selection rules, with stand-in candidates for backends whose modules this build does not have. */
class LockBackendSelectionTests {

    private static final LockBackendCandidate IN_MEMORY = new InMemoryLockBackendConfiguration.Candidate();
    private static final LockBackendCandidate REDIS_PRESENT = candidate(LockBackendType.REDIS, null);
    private static final LockBackendCandidate REDIS_WITHOUT_CONNECTION =
            candidate(LockBackendType.REDIS, "a RedisConnectionFactory bean");
    private static final LockBackendCandidate JDBC_PRESENT = candidate(LockBackendType.JDBC, null);

    private final ClassLoader classLoader = getClass().getClassLoader();
    private final ConfigurableListableBeanFactory beanFactory = new DefaultListableBeanFactory();

    @Test
    void theSinglePresentBackendIsChosenWhenNoneIsNamed() {
        LockBackendSelection selection = select(null, IN_MEMORY, REDIS_PRESENT);
        assertThat(selection.chosen()).isSameAs(REDIS_PRESENT);
        assertThat(selection.fallback()).isFalse();
    }

    @Test
    void aBackendWithoutItsConnectionIsNotPresent() {
        LockBackendSelection selection = select(null, IN_MEMORY, REDIS_WITHOUT_CONNECTION);
        assertThat(selection.chosen()).isSameAs(IN_MEMORY);
        assertThat(selection.fallback()).isTrue();
    }

    @Test
    void aModuleWithoutAConfiguredConnectionIsNotDetectedButCanBeNamed() {
        LockBackendCandidate etcdModuleOnly = new LockBackendCandidate() {
            @Override
            public LockBackendType type() {
                return LockBackendType.ETCD;
            }

            @Override
            public Class<?> configurationClass() {
                return Object.class;
            }

            @Override
            public Optional<String> missing(ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory) {
                return Optional.empty();
            }

            @Override
            public Optional<String> missingConnection(ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory,
                                                      Environment environment) {
                return Optional.of("an endpoint");
            }
        };
        assertThat(select(null, IN_MEMORY, etcdModuleOnly).fallback()).isTrue();
        assertThat(select(LockBackendType.ETCD, IN_MEMORY, etcdModuleOnly).chosen()).isSameAs(etcdModuleOnly);
    }

    @Test
    void severalPresentBackendsWithNoneNamedFailWithTheChoices() {
        LockBackendSelection selection = select(null, IN_MEMORY, REDIS_PRESENT, JDBC_PRESENT);
        assertThat(selection.chosen()).isNull();
        FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(selection.failure());
        assertThat(analysis.getDescription()).contains("distlock.backend is not set").contains("redis, jdbc");
        assertThat(analysis.getAction()).isEqualTo("Set distlock.backend to one of: redis, jdbc (or in-memory for locks local to this JVM).");
    }

    @Test
    void aNamedBackendWinsOverOthersPresent() {
        assertThat(select(LockBackendType.JDBC, IN_MEMORY, REDIS_PRESENT, JDBC_PRESENT).chosen()).isSameAs(JDBC_PRESENT);
        assertThat(select(LockBackendType.IN_MEMORY, IN_MEMORY, REDIS_PRESENT).chosen()).isSameAs(IN_MEMORY);
    }

    @Test
    void aNamedBackendWithoutItsConnectionFailsNamingWhatIsMissing() {
        LockBackendSelection selection = select(LockBackendType.REDIS, IN_MEMORY, REDIS_WITHOUT_CONNECTION);
        FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(new IllegalStateException(selection.failure()));
        assertThat(analysis.getDescription())
                .isEqualTo("distlock.backend is 'redis', but the redis backend cannot be configured: a RedisConnectionFactory bean is missing.");
        assertThat(analysis.getAction())
                .isEqualTo("Add a RedisConnectionFactory bean, or set distlock.backend to one of: in-memory, redis (needs a RedisConnectionFactory bean).");
    }

    private LockBackendSelection select(LockBackendType requested, LockBackendCandidate... candidates) {
        return LockBackendSelection.select(requested, List.of(candidates), classLoader, beanFactory);
    }

    private static LockBackendCandidate candidate(LockBackendType type, String missing) {
        return new LockBackendCandidate() {
            @Override
            public LockBackendType type() {
                return type;
            }

            @Override
            public Class<?> configurationClass() {
                return Object.class;
            }

            @Override
            public Optional<String> missing(ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory) {
                return Optional.ofNullable(missing);
            }
        };
    }
}
