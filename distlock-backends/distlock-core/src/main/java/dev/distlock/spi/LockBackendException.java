package dev.distlock.spi;

/** The backend could not be asked: a connection, timeout or server error, as opposed to a "no". */
public class LockBackendException extends RuntimeException {

    public LockBackendException(String message, Throwable cause) {
        super(message, cause);
    }

    public LockBackendException(String message) {
        super(message);
    }
}
