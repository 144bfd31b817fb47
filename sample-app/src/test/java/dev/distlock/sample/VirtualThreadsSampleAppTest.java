package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.distlock.engine.LockEventListener;

/**
 * The sample app with {@code spring.threads.virtual.enabled=true}: Tomcat serves the payment and the
 * scheduler runs the report on virtual threads, and their locks are taken and released there.
 * Needs Java 21 or later: the JDK 25 pass of the test command runs it; on the Java 17 baseline it
 * shows as skipped.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "spring.threads.virtual.enabled=true", "sample.report.interval=PT0.2S", "sample.report.hold-at-least=0s" })
class VirtualThreadsSampleAppTest {

    @DynamicPropertySource
    static void databaseOfThisRun(DynamicPropertyRegistry registry) {
        TestDatabases.useFreshFile(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    LockThreads threads;

    @Test
    void aWebRequestAndAScheduledJobTakeAndReleaseTheirLocksOnVirtualThreads() throws Exception {
        HttpRequest pay = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/virtual-1/pay"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(pay, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"charged\":true");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(threads.released()).as("released by the web request and by the report job")
                    .anyMatch(event -> event.name().equals("OrderService.pay"))
                    .anyMatch(event -> event.name().equals("nightly-report"));
        });
        assertThat(threads.acquired()).filteredOn(event -> event.name().equals("OrderService.pay"))
                .allMatch(LockThread::virtual, "taken on a virtual thread");
        assertThat(threads.acquired()).filteredOn(event -> event.name().equals("nightly-report"))
                .allMatch(LockThread::virtual, "taken on a virtual thread");
        assertThat(threads.released()).allMatch(LockThread::virtual, "released on a virtual thread");
    }

    record LockThread(String name, String thread, boolean virtual) {

        static LockThread current(String name) {
            Thread thread = Thread.currentThread();
            return new LockThread(name, thread.getName(), isVirtual(thread));
        }

        /** Through reflection: the build compiles for Java 17, where the method does not exist. */
        private static boolean isVirtual(Thread thread) {
            try {
                return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }
    }

    /** The engine calls its listeners on the thread that takes or releases the lock. */
    static class LockThreads implements LockEventListener {

        private final List<LockThread> acquired = new CopyOnWriteArrayList<>();
        private final List<LockThread> released = new CopyOnWriteArrayList<>();

        @Override
        public void acquired(String name, String key, long fencingToken, Duration waited) {
            acquired.add(LockThread.current(name));
        }

        @Override
        public void released(String name, String key, Duration held) {
            released.add(LockThread.current(name));
        }

        List<LockThread> acquired() {
            return acquired;
        }

        List<LockThread> released() {
            return released;
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class ListenerConfiguration {

        @Bean
        LockThreads lockThreads() {
            return new LockThreads();
        }
    }
}
