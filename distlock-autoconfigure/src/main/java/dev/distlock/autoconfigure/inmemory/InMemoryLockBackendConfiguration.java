package dev.distlock.autoconfigure.inmemory;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.CandidateContext;
import dev.distlock.autoconfigure.backend.LockBackendCandidate;
import dev.distlock.autoconfigure.backend.LockBackendCondition;
import dev.distlock.autoconfigure.backend.LockBackendSelection;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.LockBackend;

/**
 * The in-memory backend: chosen by {@code distlock.backend=in-memory}, or when no backend module is
 * on the class path (a present module that cannot be configured fails start-up instead).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(LockBackend.class)
@Conditional(LockBackendCondition.class)
public final class InMemoryLockBackendConfiguration {

    private static final Logger log = LoggerFactory.getLogger(InMemoryLockBackendConfiguration.class);

    @Bean
    InMemoryLockBackend inMemoryLockBackend() {
        return new InMemoryLockBackend();
    }

    /** How this backend came to be chosen, for the {@code distlock} health contributor; warns when it is the fallback. */
    @Bean
    InMemoryLockSelection inMemoryLockSelection(InMemoryLockBackend inMemoryLockBackend, Environment environment,
                                                ConfigurableListableBeanFactory beanFactory) {
        boolean fallback = LockBackendSelection.select(environment, beanFactory.getBeanClassLoader(), beanFactory).fallback();
        if (fallback) {
            log.warn("No distlock backend module is on the class path and distlock.backend is not set: "
                    + "using the in-memory backend, whose locks are local to this JVM and exclude nothing across "
                    + "instances. Add a backend module (distlock-redis, distlock-etcd, distlock-zookeeper, distlock-jdbc), "
                    + "or set distlock.backend=in-memory to make this choice explicit.");
        }
        return new InMemoryLockSelection(inMemoryLockBackend, !fallback);
    }

    /** Always present (it is part of distlock-core), but never chosen by presence alone: it is the fallback. */
    public static final class Candidate implements LockBackendCandidate {

        @Override
        public LockBackendType type() {
            return LockBackendType.IN_MEMORY;
        }

        @Override
        public Class<?> configurationClass() {
            return InMemoryLockBackendConfiguration.class;
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
        public boolean detectable() {
            return false;
        }
    }
}
