package dev.distlock.autoconfigure.reactive;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.distlock.DistributedLock;
import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockNotAcquiredException;
import dev.distlock.LockOptions;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.LockEventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Mono and Flux methods: locked from subscription to completion, error or cancellation, never on a Reactor thread. */
class ReactiveLockTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory", "distlock.namespace=rx")
            .withUserConfiguration(Services.class);

    @Test
    void nothingIsLockedOrRunUntilSubscription() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            Mono<String> mono = service.load("a", Mono.just("value"));
            assertThat(service.calls()).isZero();
            assertThat(engine(context).heldLocks()).isEmpty();
            StepVerifier.create(mono).expectNext("value").expectComplete().verify(BOUND);
            assertThat(service.calls()).isEqualTo(1);
        });
    }

    @Test
    void monoHoldsTheLockUntilItCompletesAndReleasesBeforeTheSubscriberSeesCompletion() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            Sinks.One<String> result = Sinks.one();
            AtomicReference<Boolean> heldAtCompletion = new AtomicReference<>();
            StepVerifier.create(service.load("a", result.asMono()).doOnSuccess(value -> heldAtCompletion.set(isHeld(context, "rx:load:a"))))
                    .then(() -> await().atMost(BOUND).until(() -> isHeld(context, "rx:load:a")))
                    .then(() -> assertThat(anotherInstanceCanTake(context, "load:a")).isFalse())
                    .then(() -> result.tryEmitValue("done"))
                    .expectNext("done")
                    .expectComplete()
                    .verify(BOUND);
            assertThat(heldAtCompletion.get()).as("released before completion reached the subscriber").isFalse();
            assertThat(anotherInstanceCanTake(context, "load:a")).isTrue();
        });
    }

    @Test
    void cancellingTheSubscriptionReleasesTheLock() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            StepVerifier.create(service.load("a", Mono.never()))
                    .then(() -> await().atMost(BOUND).until(() -> isHeld(context, "rx:load:a")))
                    .thenCancel()
                    .verify(BOUND);
            await().atMost(BOUND).until(() -> anotherInstanceCanTake(context, "load:a"));
        });
    }

    @Test
    void cancellingWhileWaitingForTheLockNeverRunsTheMethodAndLeavesNoLockBehind() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            Lease elsewhere = holdElsewhere(context, "waiting");
            StepVerifier.create(service.waiting(Mono.just("late")))
                    .then(() -> await().atMost(BOUND).until(() -> engine(context).waiters().size() == 1))
                    .thenCancel()
                    .verify(BOUND);
            elsewhere.close();
            await().atMost(BOUND).until(() -> engine(context).waiters().isEmpty() && engine(context).heldLocks().isEmpty());
            assertThat(anotherInstanceCanTake(context, "waiting")).isTrue();
            assertThat(service.calls()).isZero();
        });
    }

    @Test
    void anErrorReleasesTheLockAndReachesTheSubscriber() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            StepVerifier.create(service.load("a", Mono.error(new IllegalStateException("boom"))))
                    .expectErrorMessage("boom")
                    .verify(BOUND);
            assertThat(anotherInstanceCanTake(context, "load:a")).isTrue();
        });
    }

    @Test
    void heldElsewhereSkipGivesAnEmptyMonoWithoutRunningTheMethod() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            try (Lease ignored = holdElsewhere(context, "load:a")) {
                StepVerifier.create(service.load("a", Mono.just("value"))).expectComplete().verify(BOUND);
            }
            assertThat(service.calls()).isZero();
        });
    }

    @Test
    void heldElsewhereFailGivesAMonoErrorWithTheKey() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            try (Lease ignored = holdElsewhere(context, "strict")) {
                StepVerifier.create(service.strict())
                        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(LockNotAcquiredException.class)
                                .hasMessageContaining("rx:strict"))
                        .verify(BOUND);
            }
            assertThat(service.calls()).isZero();
        });
    }

    @Test
    void theBackendIsAskedOnABoundedElasticThreadNeverOnTheSubscribingOne() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            AcquiringThread acquiring = context.getBean(AcquiringThread.class);
            StepVerifier.create(service.load("a", Mono.just("value")).subscribeOn(Schedulers.parallel()))
                    .expectNext("value").expectComplete().verify(BOUND);
            assertThat(acquiring.name.get()).startsWith("boundedElastic");
        });
    }

    @Test
    void theLeaseIsInTheReactorContext() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            StepVerifier.create(service.leaseKey()).expectNext("rx:leaseKey").expectComplete().verify(BOUND);
        });
    }

    @Test
    void fluxHoldsTheLockWhileElementsFlowAndReleasesWhenTakeCancelsIt() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            Sinks.Many<Long> source = Sinks.many().unicast().onBackpressureBuffer();
            StepVerifier.create(service.stream(source.asFlux()).take(2))
                    .then(() -> await().atMost(BOUND).until(() -> isHeld(context, "rx:stream")))
                    .then(() -> source.tryEmitNext(0L))
                    .expectNext(0L)
                    .then(() -> assertThat(isHeld(context, "rx:stream")).isTrue())
                    .then(() -> source.tryEmitNext(1L))
                    .expectNext(1L)
                    .expectComplete()
                    .verify(BOUND);
            await().atMost(BOUND).until(() -> anotherInstanceCanTake(context, "stream"));
        });
    }

    @Test
    void heldElsewhereSkipGivesAnEmptyFlux() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            try (Lease ignored = holdElsewhere(context, "stream")) {
                StepVerifier.create(service.stream(Flux.just(1L))).expectComplete().verify(BOUND);
            }
        });
    }

    @Test
    void twoSubscriptionsOfOneKeyRunOneAfterTheOther() {
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            Sinks.One<String> first = Sinks.one();
            StepVerifier.create(service.waiting(first.asMono()))
                    .then(() -> await().atMost(BOUND).until(() -> isHeld(context, "rx:waiting")))
                    .then(() -> StepVerifier.create(service.waiting(Mono.just("second")))
                            .then(() -> await().atMost(BOUND).until(() -> engine(context).waiters().size() == 1))
                            .then(() -> first.tryEmitValue("first"))
                            .expectNext("second").expectComplete().verify(BOUND))
                    .expectNext("first")
                    .expectComplete()
                    .verify(BOUND);
        });
    }

    private static LockEngine engine(AssertableApplicationContext context) {
        return context.getBean(LockEngine.class);
    }

    @Test
    void moreWaitersThanBoundedElasticThreadsStillAllGetTheLockInTurn() {
        // Every waiter blocks a bounded-elastic thread: a release queued behind them would wait for their waitFor.
        int subscriptions = Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE * 5;
        runner.run(context -> {
            ReactiveService service = context.getBean(ReactiveService.class);
            StepVerifier.create(Flux.range(0, subscriptions)
                            .flatMap(i -> service.waiting(Mono.delay(Duration.ofMillis(1)).thenReturn("ran")), subscriptions))
                    .expectNextCount(subscriptions)
                    .expectComplete()
                    .verify(Duration.ofSeconds(15));
            assertThat(service.calls()).isEqualTo(subscriptions);
        });
    }

    private static boolean isHeld(AssertableApplicationContext context, String fullKey) {
        return engine(context).heldLocks().stream().anyMatch(lock -> lock.key().equals(fullKey));
    }

    /** As another instance would: a separate thread, so that the test thread's holds cannot re-enter. */
    private static boolean anotherInstanceCanTake(AssertableApplicationContext context, String key) {
        return Mono.fromCallable(() -> context.getBean(DistributedLocks.class)
                        .runIfAcquired(key, LockOptions.of(Duration.ofSeconds(5), Duration.ZERO), () -> { }))
                .subscribeOn(Schedulers.boundedElastic()).block(BOUND);
    }

    private static Lease holdElsewhere(AssertableApplicationContext context, String key) {
        return context.getBean(DistributedLocks.class)
                .tryAcquire(key, LockOptions.of(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow();
    }

    public static class ReactiveService {
        private final AtomicInteger calls = new AtomicInteger();

        @DistributedLock(name = "load", key = "#id", onLocked = OnLocked.SKIP)
        public Mono<String> load(String id, Mono<String> result) {
            calls.incrementAndGet();
            return result;
        }

        @DistributedLock(name = "strict", onLocked = OnLocked.FAIL)
        public Mono<String> strict() {
            calls.incrementAndGet();
            return Mono.just("ran");
        }

        @DistributedLock(name = "leaseKey")
        public Mono<String> leaseKey() {
            return Mono.deferContextual(context -> Mono.just(context.get(Lease.class).key()));
        }

        @DistributedLock(name = "stream", onLocked = OnLocked.SKIP)
        public Flux<Long> stream(Flux<Long> source) {
            return source;
        }

        @DistributedLock(name = "waiting", waitFor = "20s")
        public Mono<String> waiting(Mono<String> result) {
            calls.incrementAndGet();
            return result;
        }

        public int calls() {
            return calls.get();
        }
    }

    /** The thread the engine granted the lock on. */
    static class AcquiringThread implements LockEventListener {
        final AtomicReference<String> name = new AtomicReference<>();

        @Override
        public void acquired(String name, String key, long fencingToken, Duration waited) {
            this.name.set(Thread.currentThread().getName());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Services {
        @Bean
        ReactiveService reactiveService() {
            return new ReactiveService();
        }

        @Bean
        AcquiringThread acquiringThread() {
            return new AcquiringThread();
        }
    }
}
