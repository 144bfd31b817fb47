package dev.distlock.autoconfigure.interceptor;

import java.time.Duration;

/**
 * What an empty {@code lease} or {@code waitFor} means: {@code distlock.default-lease} and
 * {@code distlock.default-wait-for}.
 */
public record LockDefaults(Duration lease, Duration waitFor) {
}
