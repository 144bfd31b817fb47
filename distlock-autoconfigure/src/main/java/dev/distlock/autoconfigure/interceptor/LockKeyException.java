package dev.distlock.autoconfigure.interceptor;

/**
 * The key expression of one call evaluated to null or blank, or could not be evaluated: that call
 * fails (unlocked work would be worse) with the expression and the method named.
 */
public class LockKeyException extends IllegalArgumentException {

    public LockKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
