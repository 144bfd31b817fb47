package dev.distlock.redis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import dev.distlock.spi.support.Causes;
import org.jspecify.annotations.Nullable;

/**
 * The answers of every Redlock node to one parallel call, in node order. Every call carries its
 * own timeout ({@link RedlockNode}), so waiting for all of them is bounded by the node timeout.
 */
final class NodeReplies<T> {

    private final List<T> answers;
    private final List<Object> byNode;

    private NodeReplies(List<T> answers, List<Object> byNode) {
        this.answers = Collections.unmodifiableList(answers);
        this.byNode = byNode;
    }

    static <T> NodeReplies<T> await(List<CompletableFuture<T>> calls) {
        List<T> answers = new ArrayList<>();
        List<Object> byNode = new ArrayList<>();
        for (CompletableFuture<T> call : calls) {
            try {
                T answer = call.get();
                answers.add(answer);
                byNode.add(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                byNode.add(new Failure(e));
            } catch (ExecutionException | CompletionException e) {
                byNode.add(new Failure(Causes.unwrap(e)));
            }
        }
        return new NodeReplies<>(answers, byNode);
    }

    /** The nodes' answers, without the nodes that failed or timed out. */
    List<T> answers() {
        return answers;
    }

    /** The answer of node {@code index}, or null when it failed or timed out. */
    @SuppressWarnings("unchecked")
    @Nullable T answer(int index) {
        return byNode.get(index) instanceof Failure ? null : (T) byNode.get(index);
    }

    /** "up" or the failure of node {@code index}. */
    String describe(int index) {
        return byNode.get(index) instanceof Failure failure ? "down: " + failure.cause() : "up";
    }

    /** Why node {@code index} gave no answer, or empty when it answered. */
    Optional<Throwable> failure(int index) {
        return byNode.get(index) instanceof Failure failure ? Optional.of(failure.cause()) : Optional.empty();
    }

    String describeFailures() {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < byNode.size(); i++) {
            if (byNode.get(i) instanceof Failure failure) {
                failures.add("node " + i + ": " + failure.cause());
            }
        }
        return failures.isEmpty() ? "no node failed" : String.join("; ", failures);
    }

    private record Failure(Throwable cause) {
    }
}
