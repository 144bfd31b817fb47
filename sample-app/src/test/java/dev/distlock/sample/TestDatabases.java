package dev.distlock.sample;

import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The application's own kind of database (an H2 file in AUTO_SERVER mode), on a file of its own
 * per test context: a sample app started by hand on target/distlock-sample must not hold locks or
 * payments the tests look at.
 */
final class TestDatabases {

    private TestDatabases() {
    }

    static void useFreshFile(DynamicPropertyRegistry registry) {
        String url = "jdbc:h2:file:./target/sample-test-" + UUID.randomUUID() + ";AUTO_SERVER=TRUE";
        registry.add("spring.datasource.url", () -> url);
    }
}
