package dev.distlock.autoconfigure.backend;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.context.properties.bind.Binder;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.LockBackendCandidate.Missing;
import dev.distlock.autoconfigure.inmemory.InMemoryLockBackendConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** The selection rules, with stand-in candidates for backends whose modules this build does not have. */
class LockBackendSelectionTest {

    private static final Missing NO_CONNECTION_FACTORY =
            new Missing("a RedisConnectionFactory bean", "add a RedisConnectionFactory bean");

    private static final LockBackendCandidate IN_MEMORY = new InMemoryLockBackendConfiguration.Candidate();
    private static final LockBackendCandidate REDIS_PRESENT = candidate(LockBackendType.REDIS, true, null);
    private static final LockBackendCandidate REDIS_ABSENT = candidate(LockBackendType.REDIS, false,
            new Missing("the dev.distlock:distlock-redis module", "add the dev.distlock:distlock-redis module"));
    private static final LockBackendCandidate REDIS_WITHOUT_CONNECTION =
            candidate(LockBackendType.REDIS, true, NO_CONNECTION_FACTORY);
    private static final LockBackendCandidate JDBC_PRESENT = candidate(LockBackendType.JDBC, true, null);
    private static final LockBackendCandidate JDBC_WITHOUT_DATA_SOURCE = candidate(LockBackendType.JDBC, true,
            new Missing("a DataSource bean", "define a DataSource bean"));

    private final ConfigurableListableBeanFactory beanFactory = new DefaultListableBeanFactory();
    private final CandidateContext context = new CandidateContext(getClass().getClassLoader(), beanFactory, new Binder());

    @Test
    void theSinglePresentBackendIsChosenWhenNoneIsNamed() {
        LockBackendSelection selection = select(null, IN_MEMORY, REDIS_PRESENT);
        assertThat(selection.chosen()).isSameAs(REDIS_PRESENT);
        assertThat(selection.fallback()).isFalse();
    }

    @Test
    void withNoBackendModulePresentInMemoryIsTheFallback() {
        LockBackendSelection selection = select(null, IN_MEMORY, REDIS_ABSENT);
        assertThat(selection.chosen()).isSameAs(IN_MEMORY);
        assertThat(selection.fallback()).isTrue();
    }

    @Test
    void aModuleWithoutItsConnectionFailsNamingTheBackendWhatIsMissingAndTheWayOut() {
        // Before fail-closed this fell back to in-memory locks: a present module must never do that.
        LockBackendSelection selection = select(null, IN_MEMORY, REDIS_WITHOUT_CONNECTION);
        assertThat(selection.chosen()).isNull();
        assertThat(selection.fallback()).isFalse();
        FailureAnalysis analysis = new LockBackendFailureAnalyzer().analyze(selection.failure());
        assertThat(analysis.getDescription()).isEqualTo("distlock.backend is not set and the redis backend is the only "
                + "lock backend module on the class path (dev.distlock:distlock-redis), but it cannot be configured: "
                + "a RedisConnectionFactory bean is missing. distlock does not fall back to in-memory locks, which "
                + "exclude nothing across instances.");
        assertThat(analysis.getAction()).isEqualTo("Add a RedisConnectionFactory bean; or set distlock.backend=in-memory "
                + "to use locks local to this JVM on purpose.");
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
            public boolean modulePresent(ClassLoader classLoader) {
                return true;
            }

            @Override
            public Optional<Missing> missing(CandidateContext context) {
                return Optional.empty();
            }

            @Override
            public Optional<Missing> missingConnection(CandidateContext context) {
                return Optional.of(new Missing("an endpoint", "set an endpoint"));
            }
        };
        // Before fail-closed the unnamed module fell back to in-memory; now it fails saying what to set.
        LockBackendSelection detected = select(null, IN_MEMORY, etcdModuleOnly);
        assertThat(detected.fallback()).isFalse();
        assertThat(detected.failure().description()).contains("etcd backend").contains("an endpoint is missing");
        assertThat(detected.failure().action()).startsWith("Set an endpoint; or set distlock.backend=in-memory");
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
    void severalModulesOfWhichOneCanBeConfiguredChooseThatOne() {
        assertThat(select(null, IN_MEMORY, REDIS_WITHOUT_CONNECTION, JDBC_PRESENT).chosen()).isSameAs(JDBC_PRESENT);
    }

    @Test
    void severalModulesOfWhichNoneCanBeConfiguredFailSayingWhatEachLacks() {
        LockBackendSelection selection = select(null, IN_MEMORY, REDIS_WITHOUT_CONNECTION, JDBC_WITHOUT_DATA_SOURCE);
        assertThat(selection.chosen()).isNull();
        assertThat(selection.failure().description()).contains("(redis, jdbc)")
                .contains("redis lacks a RedisConnectionFactory bean; jdbc lacks a DataSource bean.");
        assertThat(selection.failure().action()).isEqualTo("Set distlock.backend to the backend you mean and give it its "
                + "connection (redis: add a RedisConnectionFactory bean; jdbc: define a DataSource bean), or set "
                + "distlock.backend=in-memory to use locks local to this JVM on purpose.");
    }

    @Test
    void aNamedBackendWinsOverOthersPresent() {
        assertThat(select(LockBackendType.JDBC, IN_MEMORY, REDIS_PRESENT, JDBC_PRESENT).chosen()).isSameAs(JDBC_PRESENT);
        assertThat(select(LockBackendType.IN_MEMORY, IN_MEMORY, REDIS_PRESENT).chosen()).isSameAs(IN_MEMORY);
        assertThat(select(LockBackendType.IN_MEMORY, IN_MEMORY, REDIS_WITHOUT_CONNECTION).chosen()).isSameAs(IN_MEMORY);
        assertThat(select(LockBackendType.IN_MEMORY, IN_MEMORY, REDIS_PRESENT).fallback()).isFalse();
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
        return LockBackendSelection.select(requested, List.of(candidates), context);
    }

    private static LockBackendCandidate candidate(LockBackendType type, boolean modulePresent, Missing missing) {
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
            public boolean modulePresent(ClassLoader classLoader) {
                return modulePresent;
            }

            @Override
            public Optional<Missing> missing(CandidateContext context) {
                return Optional.ofNullable(missing);
            }
        };
    }
}
