package dev.distlock.etcd.safety;

import java.time.Duration;

import dev.distlock.etcd.EtcdLockBackend;
import dev.distlock.etcd.EtcdSettings;
import dev.distlock.spi.LockBackend;
import dev.distlock.testsupport.safety.BackendSpec;
import dev.distlock.testsupport.safety.SafetyBackendFactory;

/** Builds the etcd backend in a safety client JVM: type {@code etcd}, values {@code endpoints} (comma-separated), {@code requestTimeout}. */
public final class EtcdSafetyBackends implements SafetyBackendFactory {

    @Override
    public LockBackend create(BackendSpec spec) {
        if (!spec.type().equals("etcd")) {
            throw new IllegalArgumentException("Not an etcd backend: " + spec);
        }
        return new EtcdLockBackend(EtcdSettings.of(spec.list("endpoints").toArray(String[]::new))
                .withTimeouts(Duration.ofSeconds(1), Duration.parse(spec.value("requestTimeout"))));
    }
}
