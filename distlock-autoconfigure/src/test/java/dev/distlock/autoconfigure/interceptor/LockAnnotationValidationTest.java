package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ParameterNameDiscoverer;

import dev.distlock.DistributedLock;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration;
import dev.distlock.inmemory.InMemoryLockBackend;
import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.BackendCapabilities;
import dev.distlock.spi.BackendHealth;
import dev.distlock.spi.LockBackend;

import static org.assertj.core.api.Assertions.assertThat;

/** Every annotation mistake fails start-up, naming the bean, the method and the attribute. */
class LockAnnotationValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration.class))
            .withPropertyValues("distlock.backend=in-memory");

    @Test
    void spelSyntaxErrorInKey() {
        assertStartupFails(BadKeySyntax.class, "BadKeySyntax.run(String)", "attribute 'key'", "'#id +' is not a valid SpEL expression");
    }

    @Test
    void keyNamingAParameterTheMethodDoesNotHave() {
        assertStartupFails(UnknownParameter.class, "UnknownParameter.pay(String)", "attribute 'key'",
                "refers to #orderId, but the method has no parameter of that name (parameters: order)");
    }

    @Test
    void positionalKeyBeyondTheParameters() {
        assertStartupFails(PositionBeyondParameters.class, "PositionBeyondParameters.pay(String)", "attribute 'key'",
                "refers to #p1, but the method has 1 parameter");
    }

    @Test
    void keyByNameWhenParameterNamesWereNotCompiledIn() {
        runner.withBean(LockKeyEvaluator.class, () -> new LockKeyEvaluator(null, new NoParameterNames()))
                .withBean("lockedBean", ByName.class)
                .run(context -> assertThat(invalidAnnotation(context.getStartupFailure()))
                        .hasMessageContaining("ByName.pay(String) of bean 'lockedBean'")
                        .hasMessageContaining("attribute 'key'")
                        .hasMessageContaining("compiled without -parameters")
                        .hasMessageContaining("or refer to arguments by position (#p0, #a0)"));
    }

    @Test
    void positionalKeyNeedsNoParameterNames() {
        runner.withBean(LockKeyEvaluator.class, () -> new LockKeyEvaluator(null, new NoParameterNames()))
                .withBean("lockedBean", ByPosition.class)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void unparsableLease() {
        assertStartupFails(UnparsableLease.class, "UnparsableLease.run()", "attribute 'lease'", "'ten seconds' is not a duration");
    }

    @Test
    void maxHoldShorterThanTheLease() {
        assertStartupFails(MaxHoldUnderLease.class, "MaxHoldUnderLease.run()", "attribute 'maxHold'",
                "must not be shorter than the lease (PT10S), was PT5S");
    }

    @Test
    void nonPositiveLease() {
        assertStartupFails(ZeroLease.class, "ZeroLease.run()", "attribute 'lease'", "must be positive, was PT0S");
    }

    @Test
    void negativeWaitFor() {
        assertStartupFails(NegativeWaitFor.class, "NegativeWaitFor.run()", "attribute 'waitFor'", "must not be negative");
    }

    @Test
    void unparsableHoldAtLeast() {
        assertStartupFails(UnparsableHoldAtLeast.class, "UnparsableHoldAtLeast.run()", "attribute 'holdAtLeast'", "'5 parsecs' is not a duration");
    }

    @Test
    void unresolvablePlaceholderInLease() {
        assertStartupFails(PlaceholderLease.class, "PlaceholderLease.run()", "attribute 'lease'", "cannot be resolved");
    }

    @Test
    void placeholdersAreResolvedFromTheEnvironment() {
        runner.withPropertyValues("jobs.lease=45s").withBean("lockedBean", PlaceholderLease.class).run(context -> {
            assertThat(context).hasNotFailed();
            Method run = PlaceholderLease.class.getMethod("run");
            LockOperation operation = context.getBean(LockOperationSource.class).getOperation(run, PlaceholderLease.class);
            assertThat(operation.options().lease()).isEqualTo(Duration.ofSeconds(45));
        });
    }

    @Test
    void emptyDurationsMeanTheConfiguredDefaults() {
        runner.withPropertyValues("distlock.default-lease=2m", "distlock.default-wait-for=3s")
                .withBean("lockedBean", ByPosition.class).run(context -> {
                    Method pay = ByPosition.class.getMethod("pay", String.class);
                    LockOperation operation = context.getBean(LockOperationSource.class).getOperation(pay, ByPosition.class);
                    assertThat(operation.options().lease()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(operation.options().waitFor()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(operation.name()).isEqualTo("ByPosition.pay");
                });
    }

    @Test
    void fairOnABackendThatCannotBeFair() {
        runner.withBean(LockBackend.class, UnfairBackend::new).withBean("lockedBean", FairLock.class)
                .run(context -> assertThat(invalidAnnotation(context.getStartupFailure()))
                        .hasMessageContaining("FairLock.run() of bean 'lockedBean'")
                        .hasMessageContaining("attribute 'fair'")
                        .hasMessageContaining("the unfair backend cannot grant locks in request order"));
    }

    @Test
    void fairOnABackendThatCanBeFairStarts() {
        runner.withBean("lockedBean", FairLock.class).run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void privateMethod() {
        assertStartupFails(PrivateMethod.class, "PrivateMethod.run()", "the method's modifiers", "the method is private");
    }

    @Test
    void finalMethod() {
        assertStartupFails(FinalMethod.class, "FinalMethod.run()", "the method's modifiers", "the method is final");
    }

    @Test
    void staticMethod() {
        assertStartupFails(StaticMethod.class, "StaticMethod.run()", "the method's modifiers", "the method is static");
    }

    @Test
    void monoAndFluxReturnTypesAreAccepted() {
        runner.withBean(ReturnsMono.class).withBean(ReturnsFlux.class).run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aBarePublisherReturnTypeIsRejected() {
        assertStartupFails(ReturnsPublisher.class, "ReturnsPublisher.load()", "the return type",
                "reactive return types other than Mono and Flux (Publisher) are not supported");
    }

    @Test
    void plainFutureCannotBeObservedAndIsRejected() {
        assertStartupFails(ReturnsFuture.class, "ReturnsFuture.load()", "the return type",
                "java.util.concurrent.Future cannot be held until completion");
    }

    @Test
    void skipOnAPrimitiveReturnTypeIsRejected() {
        assertStartupFails(SkipReturnsInt.class, "SkipReturnsInt.count()", "attribute 'onLocked'", "a method returning int cannot");
    }

    @Test
    void annotationOnTheInterfaceIsValidatedOnTheImplementation() {
        assertStartupFails(BadInterfaceImpl.class, "BadInterfaceImpl.run(String)", "attribute 'key'",
                "refers to #nope, but the method has no parameter of that name");
    }

    private void assertStartupFails(Class<?> beanClass, String method, String attribute, String problem) {
        runner.withBean("lockedBean", beanClass).run(context -> assertThat(invalidAnnotation(context.getStartupFailure()))
                .hasMessageContaining(method + " of bean 'lockedBean'")
                .hasMessageContaining(attribute)
                .hasMessageContaining(problem));
    }

    /** The validation error in the start-up failure's causes (Spring wraps it in BeanCreationException). */
    static InvalidLockAnnotationException invalidAnnotation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidLockAnnotationException invalid) {
                return invalid;
            }
        }
        throw new AssertionError("start-up did not fail with InvalidLockAnnotationException", failure);
    }

    public static class BadKeySyntax {
        @DistributedLock(key = "#id +")
        public void run(String id) {
        }
    }

    public static class UnknownParameter {
        @DistributedLock(key = "#orderId")
        public void pay(String order) {
        }
    }

    public static class PositionBeyondParameters {
        @DistributedLock(key = "#p1")
        public void pay(String order) {
        }
    }

    public static class ByName {
        @DistributedLock(key = "#order")
        public void pay(String order) {
        }
    }

    public static class ByPosition {
        @DistributedLock(key = "#p0 + ':' + #a0 + ':' + #root.methodName")
        public void pay(String order) {
        }
    }

    public static class UnparsableLease {
        @DistributedLock(lease = "ten seconds")
        public void run() {
        }
    }

    public static class ZeroLease {
        @DistributedLock(lease = "0s")
        public void run() {
        }
    }

    public static class NegativeWaitFor {
        @DistributedLock(waitFor = "-1s")
        public void run() {
        }
    }

    public static class MaxHoldUnderLease {
        @DistributedLock(lease = "10s", maxHold = "5s")
        public void run() {
        }
    }

    public static class UnparsableHoldAtLeast {
        @DistributedLock(holdAtLeast = "5 parsecs")
        public void run() {
        }
    }

    public static class PlaceholderLease {
        @DistributedLock(lease = "${jobs.lease}")
        public void run() {
        }
    }

    public static class FairLock {
        @DistributedLock(fair = true)
        public void run() {
        }
    }

    public static class PrivateMethod {
        @DistributedLock
        private void run() {
        }
    }

    public static class FinalMethod {
        @DistributedLock
        public final void run() {
        }
    }

    public static class StaticMethod {
        @DistributedLock
        public static void run() {
        }
    }

    public static class ReturnsMono {
        @DistributedLock(key = "#id")
        public Mono<String> load(String id) {
            return Mono.just(id);
        }
    }

    public static class ReturnsFlux {
        @DistributedLock
        public Flux<String> load() {
            return Flux.empty();
        }
    }

    public static class ReturnsPublisher {
        @DistributedLock
        public org.reactivestreams.Publisher<String> load() {
            return Flux.empty();
        }
    }

    public static class ReturnsFuture {
        @DistributedLock
        public Future<String> load() {
            return null;
        }
    }

    public static class SkipReturnsInt {
        @DistributedLock(onLocked = OnLocked.SKIP)
        public int count() {
            return 1;
        }
    }

    public interface BadInterface {
        @DistributedLock(key = "#nope")
        void run(String id);
    }

    public static class BadInterfaceImpl implements BadInterface {
        @Override
        public void run(String id) {
        }
    }

    /** As if the classes had been compiled without -parameters. */
    static class NoParameterNames implements ParameterNameDiscoverer {
        @Override
        public String[] getParameterNames(Method method) {
            return null;
        }

        @Override
        public String[] getParameterNames(java.lang.reflect.Constructor<?> ctor) {
            return null;
        }
    }

    static class UnfairBackend implements LockBackend {
        private final InMemoryLockBackend delegate = new InMemoryLockBackend();

        @Override
        public String name() {
            return "unfair";
        }

        @Override
        public BackendCapabilities capabilities() {
            return new BackendCapabilities(false, BackendCapabilities.FencingStrength.LOCAL);
        }

        @Override
        public AcquireResult tryAcquire(AcquireRequest request) {
            return delegate.tryAcquire(request);
        }

        @Override
        public boolean renew(String key, String owner, Duration ttl) {
            return delegate.renew(key, owner, ttl);
        }

        @Override
        public boolean release(String key, String owner) {
            return delegate.release(key, owner);
        }

        @Override
        public BackendHealth health() {
            return delegate.health();
        }
    }

}
