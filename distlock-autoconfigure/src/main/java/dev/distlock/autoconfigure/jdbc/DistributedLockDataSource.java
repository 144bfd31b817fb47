package dev.distlock.autoconfigure.jdbc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Names the {@code DataSource} that holds distlock's lock table, when it is not the application's
 * only or {@code @Primary} one: put it on that DataSource's {@code @Bean} method, as Spring Boot's
 * {@code @FlywayDataSource} and {@code @LiquibaseDataSource} are. The qualified DataSource is then
 * distlock's alone to choose; the application's other DataSources are left as they are.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface DistributedLockDataSource {
}
