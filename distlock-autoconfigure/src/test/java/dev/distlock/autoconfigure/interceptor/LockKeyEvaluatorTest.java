package dev.distlock.autoconfigure.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.expression.spel.standard.SpelExpressionParser;

import dev.distlock.LockOptions;
import dev.distlock.OnLocked;

/**
 * The evaluator works out each method's variables once instead of through Spring's
 * {@code MethodBasedEvaluationContext} per call: every key gives what that context gives.
 */
class LockKeyEvaluatorTest {

    record Order(String id, Customer customer) {
    }

    record Customer(String region) {
    }

    public static class Pricing {
        public String zone(Order order) {
            return "zone-" + order.customer().region();
        }
    }

    public static class Payments {
        public void pay(Order order, String attempt, int[] tries) {
        }
    }

    private final DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    private final Payments target = new Payments();
    private final Method method = methodPay();
    private final Object[] args = { new Order("o-1", new Customer("eu")), "second", new int[] { 1, 2 } };

    LockKeyEvaluatorTest() {
        beans.registerSingleton("pricing", new Pricing());
    }

    @ParameterizedTest
    @ValueSource(strings = { "#order", "#attempt", "#p0", "#a1", "#order.id", "#order.customer.region", "#p0.id + ':' + #a1",
            "#root.methodName", "#root.args[1]", "#root.target.class.simpleName", "#root.targetClass.simpleName",
            "@pricing.zone(#order)", "#tries.length", "#unknown", "#root.method.name + #this.methodName",
            "#x = #attempt.toUpperCase()", "T(java.lang.String).valueOf(#order.id.length())" })
    void everyKeyIsWhatSpringsMethodBasedContextGives(String expression) {
        LockKeyEvaluator evaluator = new LockKeyEvaluator(beans);

        Object evaluated = evaluator.evaluate(operation(expression), args, target, Payments.class);

        assertThat(evaluated).isEqualTo(withMethodBasedContext(expression));
    }

    @ParameterizedTest
    @ValueSource(strings = { "#order", "#p0", "#a1", "#attempt" })
    void aKeyThatIsOneArgumentIsTakenWithoutEvaluation(String expression) {
        assertThat(new LockKeyEvaluator(beans).isSingleVariable(expression, method)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "#order.id", "#root", "#this", "#unknown", "'fixed'" })
    void anyOtherKeyIsEvaluated(String expression) {
        assertThat(new LockKeyEvaluator(beans).isSingleVariable(expression, method)).isFalse();
    }

    private Object withMethodBasedContext(String expression) {
        LockExpressionRoot root = new LockExpressionRoot(method, args, target, Payments.class);
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(root, method, args, new DefaultParameterNameDiscoverer());
        context.setBeanResolver(new BeanFactoryResolver(beans));
        return new SpelExpressionParser().parseExpression(expression).getValue(context);
    }

    private LockOperation operation(String expression) {
        return new LockOperation(method, "Payments.pay", "Payments.pay", expression,
                LockOptions.of(Duration.ofSeconds(10), Duration.ZERO), OnLocked.FAIL, null, null, false);
    }

    private static Method methodPay() {
        try {
            return Payments.class.getMethod("pay", Order.class, String.class, int[].class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
