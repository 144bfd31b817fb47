package dev.distlock.zookeeper;

import dev.distlock.spi.LockBackendException;

/** A lease that the servers' session bounds do not allow to be the crash-recovery time; the message says why and what to change. */
final class LeaseRefusedException extends LockBackendException {

    LeaseRefusedException(String message) {
        super(message);
    }
}
