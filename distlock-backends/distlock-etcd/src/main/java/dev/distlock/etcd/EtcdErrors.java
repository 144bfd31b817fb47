package dev.distlock.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;

import dev.distlock.spi.support.Causes;

/** How this backend tells etcd's answers apart: by jetcd's error code, never by message text. */
final class EtcdErrors {

    private EtcdErrors() {
    }

    /**
     * etcd no longer has the lease (it expired or was revoked): a final answer, unlike a stream
     * hiccup that jetcd retries. jetcd reports it as {@link ErrorCode#NOT_FOUND}, to a one-off
     * keep-alive (wrapped by its future) and to a keep-alive stream's observer alike.
     */
    static boolean leaseNotFound(Throwable error) {
        return Causes.find(error, EtcdException.class).filter(etcd -> etcd.getErrorCode() == ErrorCode.NOT_FOUND).isPresent();
    }
}
