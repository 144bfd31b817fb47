package dev.distlock.etcd;

import java.util.concurrent.CompletionException;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EtcdErrorsTest {

    @Test
    void aMissingLeaseIsToldByItsCodeAlsoWhenAFutureWrapsIt() {
        var notFound = EtcdExceptionFactory.newEtcdException(ErrorCode.NOT_FOUND, "etcdserver: requested lease not found");

        assertThat(EtcdErrors.leaseNotFound(notFound)).isTrue();
        assertThat(EtcdErrors.leaseNotFound(new CompletionException(notFound))).isTrue();
    }

    @Test
    void theMessageTextAloneIsNotAMissingLease() {
        var unavailable = EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "lease not found somewhere");

        assertThat(EtcdErrors.leaseNotFound(unavailable)).isFalse();
        assertThat(EtcdErrors.leaseNotFound(new IllegalStateException("lease not found"))).isFalse();
    }
}
