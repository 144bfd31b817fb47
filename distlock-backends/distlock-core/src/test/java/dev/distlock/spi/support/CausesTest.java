package dev.distlock.spi.support;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CausesTest {

    @Test
    void findsTheFirstCauseOfATypeInTheChain() {
        IOException io = new IOException("refused");
        IllegalStateException failure = new IllegalStateException("outer", new RuntimeException("middle", io));

        assertThat(Causes.find(failure, IOException.class)).containsSame(io);
        assertThat(Causes.find(failure, IllegalStateException.class)).containsSame(failure);
        assertThat(Causes.find(failure, InterruptedException.class)).isEmpty();
    }

    @Test
    void aChainThatLoopsEnds() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(Causes.find(first, IOException.class)).isEmpty();
        assertThat(Causes.root(first)).isSameAs(second);
    }

    @Test
    void theRootStartedTheChain() {
        IOException io = new IOException("refused");

        assertThat(Causes.root(new RuntimeException(new RuntimeException(io)))).isSameAs(io);
        assertThat(Causes.root(io)).isSameAs(io);
    }

    @Test
    void unwrapTakesOffOnlyTheFuturesWrappers() {
        IOException io = new IOException("refused");
        RuntimeException business = new IllegalStateException("business", io);

        assertThat(Causes.unwrap(new ExecutionException(new CompletionException(business)))).isSameAs(business);
        assertThat(Causes.unwrap(business)).isSameAs(business);
        assertThat(Causes.unwrap(new ExecutionException(null))).isInstanceOf(ExecutionException.class);
    }
}
