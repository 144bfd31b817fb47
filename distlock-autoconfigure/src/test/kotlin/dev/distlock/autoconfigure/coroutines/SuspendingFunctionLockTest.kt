package dev.distlock.autoconfigure.coroutines

import java.time.Duration
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.coroutineContext
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.reactor.ReactorContext
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.FilteredClassLoader
import org.springframework.boot.test.context.assertj.AssertableApplicationContext
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration

import dev.distlock.DistributedLock
import dev.distlock.DistributedLocks
import dev.distlock.Lease
import dev.distlock.LockNotAcquiredException
import dev.distlock.LockOptions
import dev.distlock.OnLocked
import dev.distlock.autoconfigure.DistributedLockAutoConfiguration
import dev.distlock.autoconfigure.interceptor.InvalidLockAnnotationException
import dev.distlock.engine.LockEngine

/**
 * Kotlin suspend functions: the lock is held from the coroutine's start to its end, across every
 * suspension, and the lease is in the coroutine's Reactor context.
 */
class SuspendingFunctionLockTest {

    private val bound = Duration.ofSeconds(20)

    private val runner = ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration::class.java))
        .withPropertyValues("distlock.backend=in-memory", "distlock.namespace=kt")
        .withUserConfiguration(Services::class.java)

    @Test
    fun concurrentCallsFromManyCoroutinesOnSeveralThreadsNeverOverlap() {
        runner.run { context ->
            val counter = context.getBean(CounterService::class.java)
            val threads = Executors.newFixedThreadPool(4)
            try {
                runBlocking(threads.asCoroutineDispatcher()) {
                    withTimeout(bound.toMillis()) {
                        (1..CALLS).map { async { counter.increment() } }.awaitAll()
                    }
                }
            } finally {
                threads.shutdownNow()
                threads.awaitTermination(5, TimeUnit.SECONDS)
            }
            assertThat(counter.overlaps.get()).`as`("critical sections that overlapped").isZero()
            assertThat(counter.count).`as`("updates kept").isEqualTo(CALLS)
            assertThat(engine(context).heldLocks()).isEmpty()
        }
    }

    @Test
    fun skipReturnsNullWithoutRunningTheFunction() {
        runner.run { context ->
            val service = context.getBean(CounterService::class.java)
            holdElsewhere(context, "skipping").use {
                assertThat(runBlocking { service.skipping() }).isNull()
                runBlocking { service.skippingUnit() }
            }
            assertThat(service.calls.get()).isZero()
            assertThat(runBlocking { service.skipping() }).isEqualTo("ran")
        }
    }

    @Test
    fun failThrowsLockNotAcquiredExceptionInsideTheCoroutine() {
        runner.run { context ->
            val service = context.getBean(CounterService::class.java)
            holdElsewhere(context, "strict").use {
                val thrown = runBlocking {
                    try {
                        service.strict()
                        null
                    } catch (e: LockNotAcquiredException) {
                        e
                    }
                }
                assertThat(thrown).isNotNull()
                assertThat(thrown!!.message).contains("kt:strict")
            }
            assertThat(service.calls.get()).isZero()
        }
    }

    @Test
    fun theLockIsHeldAcrossSuspensionAndReleasedAfterAnException() {
        runner.run { context ->
            val service = context.getBean(CounterService::class.java)
            val suspended = CompletableDeferred<Unit>()
            val proceed = CompletableDeferred<Unit>()
            runBlocking(Dispatchers.Default) {
                val call = async { runCatching { service.failing(suspended, proceed) } }
                suspended.await()
                assertThat(isHeld(context, "kt:failing")).`as`("held while the coroutine is suspended").isTrue()
                assertThat(anotherInstanceCanTake(context, "failing")).isFalse()
                proceed.complete(Unit)
                assertThat(call.await().exceptionOrNull()).isInstanceOf(IllegalStateException::class.java).hasMessage("boom")
            }
            assertThat(anotherInstanceCanTake(context, "failing")).isTrue()
        }
    }

    @Test
    fun cancellingTheCoroutineReleasesTheLock() {
        runner.run { context ->
            val service = context.getBean(CounterService::class.java)
            val started = CompletableDeferred<Unit>()
            runBlocking(Dispatchers.Default) {
                val job = launch { service.hang(started) }
                started.await()
                assertThat(isHeld(context, "kt:hang")).isTrue()
                job.cancelAndJoin()
            }
            await().atMost(bound).until { anotherInstanceCanTake(context, "hang") }
        }
    }

    @Test
    fun aCoroutineDoesNotReenterItsOwnKeyButWaitsForIt() {
        runner.run { context ->
            val service = context.getBean(CounterService::class.java)
            val thrown = runBlocking(Dispatchers.Default) { runCatching { service.outer() }.exceptionOrNull() }
            assertThat(thrown).isInstanceOf(LockNotAcquiredException::class.java).hasMessageContaining("kt:nested")
            await().atMost(bound).until { anotherInstanceCanTake(context, "nested") }
        }
    }

    @Test
    fun keyExpressionsSeeTheParametersAndNotTheContinuation() {
        runner.run { context ->
            val service = context.getBean(CounterService::class.java)
            assertThat(runBlocking { service.leaseKey("order-7", 3) }).isEqualTo("kt:byId:order-7:3")
        }
    }

    @Test
    fun positionalKeyCannotReachTheContinuation() {
        ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration::class.java))
            .withPropertyValues("distlock.backend=in-memory")
            .withBean("continuationKey", ContinuationKey::class.java)
            .run { context ->
                assertThat(context.startupFailure).rootCause().isInstanceOf(InvalidLockAnnotationException::class.java)
                    .hasMessageContaining("suspend ContinuationKey.run(String)")
                    .hasMessageContaining("refers to #p1, but the method has 1 parameter")
            }
    }

    @Test
    fun aReturnedFlowRunsUnderTheLockFromCollectionToItsEnd() {
        runner.run { context ->
            val service = context.getBean(CounterService::class.java)
            val heldAtEachEmit = mutableListOf<Boolean>()
            runBlocking(Dispatchers.Default) {
                val numbers = service.numbers { heldAtEachEmit += isHeld(context, "kt:numbers") }
                assertThat(isHeld(context, "kt:numbers")).`as`("not taken before collection").isFalse()
                assertThat(numbers.toList()).containsExactly(1, 2, 3)
            }
            assertThat(heldAtEachEmit).containsExactly(true, true, true)
            await().atMost(bound).until { anotherInstanceCanTake(context, "numbers") }
        }
    }

    @Test
    fun aCollectorThatStopsEarlyReleasesTheFlowsLock() {
        runner.run { context ->
            val service = context.getBean(CounterService::class.java)
            runBlocking(Dispatchers.Default) {
                assertThat(service.numbers { }.first()).isEqualTo(1)
            }
            await().atMost(bound).until { anotherInstanceCanTake(context, "numbers") }
        }
    }

    @Test
    fun startupFailsWithoutKotlinxCoroutinesReactor() {
        runner.withClassLoader(FilteredClassLoader("kotlinx.coroutines.reactor")).run { context ->
            assertThat(context.startupFailure).rootCause().isInstanceOf(InvalidLockAnnotationException::class.java)
                .hasMessageContaining("suspend CounterService.increment()")
                .hasMessageContaining("org.jetbrains.kotlinx:kotlinx-coroutines-reactor")
        }
    }

    @Test
    fun skipOnAFunctionThatCannotReturnNullFailsStartup() {
        ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DistributedLockAutoConfiguration::class.java))
            .withPropertyValues("distlock.backend=in-memory")
            .withBean("nonNullSkip", NonNullSkip::class.java)
            .run { context ->
                assertThat(context.startupFailure).rootCause().isInstanceOf(InvalidLockAnnotationException::class.java)
                    .hasMessageContaining("suspend NonNullSkip.run()")
                    .hasMessageContaining("attribute 'onLocked'")
            }
    }

    /** Its state is read through open properties: a class proxy's final getters would read the proxy's own (empty) fields. */
    open class CounterService {
        open var count = 0
        open val overlaps = AtomicInteger()
        open val calls = AtomicInteger()
        private val inside = AtomicInteger()

        /** A read-modify-write with a suspension in between: only the lock keeps updates from being lost. */
        @DistributedLock(name = "counter", waitFor = "60s")
        open suspend fun increment() {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet()
            }
            val read = count
            delay(2)
            count = read + 1
            inside.decrementAndGet()
        }

        @DistributedLock(name = "skipping", waitFor = "0s", onLocked = OnLocked.SKIP)
        open suspend fun skipping(): String? {
            calls.incrementAndGet()
            delay(1)
            return "ran"
        }

        @DistributedLock(name = "skipping", waitFor = "0s", onLocked = OnLocked.SKIP)
        open suspend fun skippingUnit() {
            calls.incrementAndGet()
        }

        @DistributedLock(name = "strict", waitFor = "0s", onLocked = OnLocked.FAIL)
        open suspend fun strict(): String {
            calls.incrementAndGet()
            return "ran"
        }

        @DistributedLock(name = "failing")
        open suspend fun failing(suspended: CompletableDeferred<Unit>, proceed: CompletableDeferred<Unit>): String {
            suspended.complete(Unit)
            proceed.await()
            throw IllegalStateException("boom")
        }

        @DistributedLock(name = "hang")
        open suspend fun hang(started: CompletableDeferred<Unit>) {
            started.complete(Unit)
            awaitCancellation()
        }

        @DistributedLock(name = "nested")
        open suspend fun outer() {
            delay(1)
            self.inner()
        }

        @DistributedLock(name = "nested", waitFor = "200ms", onLocked = OnLocked.FAIL)
        open suspend fun inner() {
        }

        /** This bean through its proxy, as another bean would call it. */
        open lateinit var self: CounterService

        @DistributedLock(name = "byId", key = "#id + ':' + #p1")
        open suspend fun leaseKey(id: String, attempt: Int): String {
            delay(1)
            val lease = coroutineContext[ReactorContext]?.context?.get(Lease::class.java)
            return lease?.key() ?: "no lease in the coroutine context"
        }

        @DistributedLock(name = "numbers")
        open suspend fun numbers(beforeEmit: () -> Unit): Flow<Int> = flow {
            for (i in 1..3) {
                delay(1)
                beforeEmit()
                emit(i)
            }
        }
    }

    open class ContinuationKey {
        @DistributedLock(key = "#p1")
        open suspend fun run(id: String) {
        }
    }

    open class NonNullSkip {
        @DistributedLock(onLocked = OnLocked.SKIP)
        open suspend fun run(): Int = 1
    }

    @Configuration(proxyBeanMethods = false)
    open class Services {
        @Bean
        open fun counterService() = CounterService()

        @Bean
        open fun selfReference(counterService: CounterService) = Any().also { counterService.self = counterService }
    }

    private companion object {
        const val CALLS = 100

        fun engine(context: AssertableApplicationContext): LockEngine = context.getBean(LockEngine::class.java)

        fun isHeld(context: AssertableApplicationContext, fullKey: String) =
            engine(context).heldLocks().any { it.key() == fullKey }

        /** As another instance would: on a thread of its own, so that no hold of the caller's thread can re-enter. */
        fun anotherInstanceCanTake(context: AssertableApplicationContext, key: String): Boolean {
            val locks = context.getBean(DistributedLocks::class.java)
            val executor = Executors.newSingleThreadExecutor()
            try {
                return executor.submit<Boolean> {
                    locks.runIfAcquired(key, LockOptions.of(Duration.ofSeconds(5), Duration.ZERO)) {}
                }.get(20, TimeUnit.SECONDS)
            } finally {
                executor.shutdown()
            }
        }

        fun holdElsewhere(context: AssertableApplicationContext, key: String): Lease =
            context.getBean(DistributedLocks::class.java)
                .tryAcquire(key, LockOptions.of(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow()
    }
}
