package dev.distlock.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The gate of the capability tests of {@link LockBackendContract}. A test marked
 * {@link ProvesCapability} runs where the backend claims the capability and shows as skipped where
 * it does not, never as passed. A backend that claims a capability must prove it: when such a test
 * was aborted (an assumption failed inside it) or disabled, the class fails after its last test.
 */
final class CapabilityGate implements ExecutionCondition, TestWatcher, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CapabilityGate.class);
    private static final String UNPROVEN = "unproven";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<ContractCapability> capability = provedBy(context);
        Optional<LockBackendContract> contract = contract(context);
        if (capability.isEmpty() || contract.isEmpty()) {
            return ConditionEvaluationResult.enabled("proves no capability");
        }
        ContractCapability proved = capability.get();
        return contract.get().claims(proved)
                ? ConditionEvaluationResult.enabled("the backend claims " + proved + " (" + proved.claim() + ")")
                : ConditionEvaluationResult.disabled("the backend does not claim " + proved + " (" + proved.claim() + ")");
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        checkClaimed(context, "was aborted: " + cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        checkClaimed(context, "was disabled: " + reason.orElse("no reason given"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> unproven = unproven(context);
        if (!unproven.isEmpty()) {
            throw new AssertionError(context.getRequiredTestClass().getSimpleName()
                    + ": the backend claims capabilities whose contract tests did not run: " + String.join("; ", unproven));
        }
    }

    private void checkClaimed(ExtensionContext context, String what) {
        Optional<ContractCapability> capability = provedBy(context);
        Optional<LockBackendContract> contract = contract(context);
        if (capability.isPresent() && contract.isPresent() && contract.get().claims(capability.get())) {
            ContractCapability claimed = capability.get();
            context.getParent().ifPresent(classContext -> unproven(classContext).add(context.getRequiredTestMethod().getName()
                    + " proves " + claimed + ", which the backend claims (" + claimed.claim() + "), but " + what));
        }
    }

    private static Optional<ContractCapability> provedBy(ExtensionContext context) {
        return context.getTestMethod()
                .map(method -> method.getAnnotation(ProvesCapability.class))
                .map(ProvesCapability::value);
    }

    private static Optional<LockBackendContract> contract(ExtensionContext context) {
        return context.getTestInstance()
                .filter(LockBackendContract.class::isInstance)
                .map(LockBackendContract.class::cast);
    }

    /** The class's list; its tests run one after another, so a plain get-then-put is enough. */
    @SuppressWarnings("unchecked")
    private static List<String> unproven(ExtensionContext classContext) {
        ExtensionContext.Store store = classContext.getStore(NAMESPACE);
        List<String> unproven = store.get(UNPROVEN, List.class);
        if (unproven == null) {
            unproven = new ArrayList<>();
            store.put(UNPROVEN, unproven);
        }
        return unproven;
    }
}
