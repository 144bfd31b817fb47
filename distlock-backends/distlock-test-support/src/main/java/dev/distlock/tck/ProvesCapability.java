package dev.distlock.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A contract test that proves {@link #value()}: {@link CapabilityGate} runs it only where the
 * backend claims the capability, reports it skipped elsewhere, and fails the class when a backend
 * claims it but the test did not run to its end.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface ProvesCapability {

    ContractCapability value();
}
