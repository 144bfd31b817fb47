package dev.distlock.autoconfigure;

import java.util.Arrays;
import java.util.List;

import org.springframework.boot.SpringBootVersion;

/**
 * The Spring Boot lines distlock serves, for tests that check the class names it gives by string
 * (in {@code afterName}): on each line's class path, that line's names must load. These tests run
 * on Boot 4 in this module and on Boot 3.5 in distlock-boot35-tests.
 */
public final class BootLines {

    private BootLines() {
    }

    /** Whether the class path is Spring Boot 3.x's. */
    public static boolean runningBoot3() {
        return SpringBootVersion.getVersion().startsWith("3.");
    }

    /** Spring Boot 3.5 keeps its auto-configurations in spring-boot-autoconfigure and spring-boot-actuator-autoconfigure. */
    public static boolean isBoot3Name(String autoConfigurationName) {
        return autoConfigurationName.startsWith("org.springframework.boot.autoconfigure.")
                || autoConfigurationName.startsWith("org.springframework.boot.actuate.autoconfigure.");
    }

    /** The names of the Spring Boot line on the class path. */
    public static List<String> ofRunningLine(String... autoConfigurationNames) {
        return Arrays.stream(autoConfigurationNames).filter(name -> isBoot3Name(name) == runningBoot3()).toList();
    }

    /** The names of the other Spring Boot line. */
    public static List<String> ofOtherLine(String... autoConfigurationNames) {
        return Arrays.stream(autoConfigurationNames).filter(name -> isBoot3Name(name) != runningBoot3()).toList();
    }
}
