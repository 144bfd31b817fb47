package dev.distlock.autoconfigure.zookeeper;

import java.util.Optional;

import org.apache.curator.framework.CuratorFramework;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.CandidateContext;
import dev.distlock.autoconfigure.backend.ModuleBackendCandidate;
import dev.distlock.autoconfigure.backend.LockBackendCondition;
import dev.distlock.spi.LockBackend;
import dev.distlock.zookeeper.ZooKeeperLockBackend;

/**
 * The ZooKeeper backend: on the application's own {@link CuratorFramework} bean if it has one (used
 * as it is and never closed by us), else on a client of its own built from {@code distlock.zookeeper.*},
 * connected as the {@link ZooKeeperLockConnectionDetails} say (the connect string unless the
 * application declares its own).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ZooKeeperLockBackend.class, CuratorFramework.class})
@ConditionalOnMissingBean(LockBackend.class)
@Conditional(LockBackendCondition.class)
@EnableConfigurationProperties(ZooKeeperLockProperties.class)
public final class ZooKeeperLockBackendConfiguration {

    static final String CONNECT_STRING = "distlock.zookeeper.connect-string";

    @Bean
    @ConditionalOnMissingBean(ZooKeeperLockConnectionDetails.class)
    ZooKeeperLockConnectionDetails zooKeeperLockConnectionDetails(ZooKeeperLockProperties properties) {
        return properties::getConnectString;
    }

    @Bean(destroyMethod = "close")
    ZooKeeperLockBackend zooKeeperLockBackend(ZooKeeperLockProperties properties, ZooKeeperLockConnectionDetails connectionDetails,
                                              ObjectProvider<CuratorFramework> curatorFramework) {
        CuratorFramework applicationClient = curatorFramework.getIfUnique();
        if (applicationClient != null) {
            return new ZooKeeperLockBackend(applicationClient, properties.getBasePath());
        }
        return ZooKeeperLockBackend.create(properties.toSettings(connectionDetails.getConnectString()));
    }

    /** Present with the distlock-zookeeper module and a connect string, a CuratorFramework bean or a ZooKeeperLockConnectionDetails bean. */
    public static final class Candidate extends ModuleBackendCandidate {

        // By name: the module is optional, and this class is loaded whether it is there or not.
        static final String BACKEND_CLASS = "dev.distlock.zookeeper.ZooKeeperLockBackend";
        static final String CURATOR_CLASS = "org.apache.curator.framework.CuratorFramework";

        public Candidate() {
            super(LockBackendType.ZOOKEEPER, ZooKeeperLockBackendConfiguration.class, BACKEND_CLASS);
        }

        @Override
        protected Optional<Missing> missingBesidesModule(CandidateContext context) {
            if (!ClassUtils.isPresent(CURATOR_CLASS, context.classLoader())) {
                return Optional.of(moduleDependency("org.apache.curator:curator-framework"));
            }
            if (Connection.hasCuratorBean(context) || context.hasBean(ZooKeeperLockConnectionDetails.class) || hasConnectString(context)) {
                return Optional.empty();
            }
            return Optional.of(new Missing(CONNECT_STRING + " (or a CuratorFramework bean)", "set " + CONNECT_STRING
                    + " (e.g. zk1:2181,zk2:2181,zk3:2181) or define a CuratorFramework bean"));
        }

        private static boolean hasConnectString(CandidateContext context) {
            String connectString = context.bindOrCreate(ZooKeeperLockProperties.PREFIX, ZooKeeperLockProperties.class).getConnectString();
            return connectString != null && !connectString.isBlank();
        }
    }

    /** Touches Curator's types only once the module (and so Curator) is known to be present. */
    private static final class Connection {

        static boolean hasCuratorBean(CandidateContext context) {
            return context.hasBean(CuratorFramework.class);
        }
    }
}
