package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.lettuce.core.api.StatefulConnection;

class RedlockNodeCloseTest {

    /**
     * A backend closed while a node's dial is still in progress: the dial completes later on Lettuce's
     * event loop, whose blocking close waits for that loop itself (a hang seen in CI). Here the
     * completing thread stands for the loop, and the connection's blocking close never returns.
     */
    @Test
    void aDialThatCompletesAfterCloseIsClosedWithoutBlockingTheThreadThatCompletesIt() {
        CompletableFuture<StatefulConnection<?, ?>> dialling = new CompletableFuture<>();
        AtomicBoolean closedAsync = new AtomicBoolean();
        CountDownLatch never = new CountDownLatch(1);
        StatefulConnection<?, ?> connection = (StatefulConnection<?, ?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StatefulConnection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> {
                        never.await(); // as Lettuce's close joins a future only the blocked loop would complete
                        yield null;
                    }
                    case "closeAsync" -> {
                        closedAsync.set(true);
                        yield CompletableFuture.completedFuture(null);
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        RedlockNode.closeWhenMade(dialling);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> dialling.complete(connection));

        assertThat(closedAsync).isTrue();
    }
}
