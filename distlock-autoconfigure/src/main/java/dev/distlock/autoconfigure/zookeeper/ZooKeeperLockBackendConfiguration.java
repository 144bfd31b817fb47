package dev.distlock.autoconfigure.zookeeper;

import java.util.Optional;

import org.apache.curator.framework.CuratorFramework;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.LockBackendCandidate;
import dev.distlock.autoconfigure.backend.LockBackendCondition;
import dev.distlock.spi.LockBackend;
import dev.distlock.zookeeper.ZooKeeperLockBackend;

/**
 * The ZooKeeper backend: on the application's own {@link CuratorFramework} bean if it has one (used
 * as it is and never closed by us), else on a client of its own built from {@code distlock.zookeeper.*}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ZooKeeperLockBackend.class, CuratorFramework.class})
@ConditionalOnMissingBean(LockBackend.class)
@Conditional(LockBackendCondition.class)
@EnableConfigurationProperties(ZooKeeperLockProperties.class)
public final class ZooKeeperLockBackendConfiguration {

    static final String CONNECT_STRING = "distlock.zookeeper.connect-string";

    @Bean(destroyMethod = "close")
    ZooKeeperLockBackend zooKeeperLockBackend(ZooKeeperLockProperties properties,
                                              ObjectProvider<CuratorFramework> curatorFramework) {
        CuratorFramework applicationClient = curatorFramework.getIfUnique();
        if (applicationClient != null) {
            return new ZooKeeperLockBackend(applicationClient, properties.getBasePath());
        }
        return ZooKeeperLockBackend.create(properties.toSettings());
    }

    /** Present with the distlock-zookeeper module and either a connect string or a CuratorFramework bean. */
    public static final class Candidate implements LockBackendCandidate {

        // By name: the module is optional, and this class is loaded whether it is there or not.
        static final String BACKEND_CLASS = "dev.distlock.zookeeper.ZooKeeperLockBackend";
        static final String CURATOR_CLASS = "org.apache.curator.framework.CuratorFramework";

        @Override
        public LockBackendType type() {
            return LockBackendType.ZOOKEEPER;
        }

        @Override
        public Class<?> configurationClass() {
            return ZooKeeperLockBackendConfiguration.class;
        }

        @Override
        public boolean modulePresent(ClassLoader classLoader) {
            return ClassUtils.isPresent(BACKEND_CLASS, classLoader);
        }

        @Override
        public Optional<Missing> missing(ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory) {
            if (!modulePresent(classLoader)) {
                return Optional.of(Missing.module(LockBackendType.ZOOKEEPER));
            }
            if (!ClassUtils.isPresent(CURATOR_CLASS, classLoader)) {
                return Optional.of(new Missing("the dev.distlock:distlock-zookeeper module's org.apache.curator:curator-framework dependency",
                        "add the dev.distlock:distlock-zookeeper module's org.apache.curator:curator-framework dependency (do not exclude it)"));
            }
            if (Connection.hasCuratorBean(beanFactory) || hasConnectString(beanFactory)) {
                return Optional.empty();
            }
            return Optional.of(new Missing(CONNECT_STRING + " (or a CuratorFramework bean)", "set " + CONNECT_STRING
                    + " (e.g. zk1:2181,zk2:2181,zk3:2181) or define a CuratorFramework bean"));
        }

        private static boolean hasConnectString(ConfigurableListableBeanFactory beanFactory) {
            Object environment = beanFactory.containsSingleton(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME)
                    ? beanFactory.getSingleton(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME) : null;
            return environment instanceof Environment env
                    && Binder.get(env).bind(CONNECT_STRING, String.class).map(String::isBlank).map(blank -> !blank).orElse(false);
        }
    }

    /** Touches Curator's types only once the module (and so Curator) is known to be present. */
    private static final class Connection {

        static boolean hasCuratorBean(ConfigurableListableBeanFactory beanFactory) {
            return beanFactory.getBeanNamesForType(CuratorFramework.class, true, false).length > 0;
        }
    }
}
