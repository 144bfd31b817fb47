package dev.distlock.autoconfigure.interceptor;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.KotlinDetector;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Evaluates key expressions. Each is parsed once per method and cached; a call only evaluates.
 * Variables are the method's parameters by name (needs {@code -parameters}), {@code #p0}/{@code #a0}
 * by position, and {@code #root} ({@link LockExpressionRoot}); {@code @bean} refers to a bean.
 */
public class LockKeyEvaluator {

    private static final Pattern POSITIONAL = Pattern.compile("[pa](\\d+)");

    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final Map<Method, KeyExpression> keys = new ConcurrentHashMap<>();
    private final ParameterNameDiscoverer parameterNames;
    private final @Nullable BeanResolver beans;

    public LockKeyEvaluator(@Nullable BeanFactory beanFactory) {
        this(beanFactory, new DefaultParameterNameDiscoverer());
    }

    public LockKeyEvaluator(@Nullable BeanFactory beanFactory, ParameterNameDiscoverer parameterNames) {
        this.beans = beanFactory != null ? new BeanFactoryResolver(beanFactory) : null;
        this.parameterNames = parameterNames;
    }

    /**
     * Parses {@code expression} for {@code method} and checks that every {@code #variable} it uses
     * exists; throws {@link InvalidLockAnnotationException} naming the attribute {@code 'key'}.
     */
    public void validate(String expression, Method method, String description) {
        Expression parsed;
        try {
            parsed = key(expression, method).expression();
        } catch (ExpressionException e) {
            throw new InvalidLockAnnotationException(description, "'key'",
                    "'" + expression + "' is not a valid SpEL expression: " + e.getMessage(), e);
        }
        if (parsed instanceof SpelExpression spel) {
            Set<String> variables = new LinkedHashSet<>();
            collectVariables(spel.getAST(), variables);
            variables.forEach(variable -> checkVariable(variable, expression, method, description));
        }
    }

    /** Evaluates the key of one call; null when the expression yields null. */
    public @Nullable Object evaluate(LockOperation operation, @Nullable Object[] args, @Nullable Object target,
                                     @Nullable Class<?> targetClass) {
        Method method = operation.method();
        KeyExpression key = key(operation.keyExpression(), method);
        if (key.isSingleVariable()) {
            return key.argument(args);
        }
        // #root.args are the caller's arguments: a suspend function's Continuation is not one of them
        // (nor is it #p0, #a0 or a name, as in Spring's MethodBasedEvaluationContext).
        Object[] callerArgs = KotlinDetector.isSuspendingFunction(method) ? Arrays.copyOf(args, args.length - 1) : args;
        return key.evaluate(new LockExpressionRoot(method, callerArgs, target, targetClass), args, beans);
    }

    /** Whether the key of {@code method} is one argument, taken with no evaluation. */
    boolean isSingleVariable(String expression, Method method) {
        return key(expression, method).isSingleVariable();
    }

    private KeyExpression key(String expression, Method method) {
        KeyExpression cached = keys.get(method);
        if (cached == null) {
            cached = new KeyExpression(parser.parseExpression(expression), parameterNames.getParameterNames(method),
                    callerParameterCount(method));
            keys.putIfAbsent(method, cached);
        }
        return cached;
    }

    private void checkVariable(String variable, String expression, Method method, String description) {
        if (variable.equals("root") || variable.equals("this")) {
            return;
        }
        int count = callerParameterCount(method);
        Matcher positional = POSITIONAL.matcher(variable);
        if (positional.matches()) {
            int index = Integer.parseInt(positional.group(1));
            if (index >= count) {
                throw new InvalidLockAnnotationException(description, "'key'", "'" + expression + "' refers to #" + variable
                        + ", but the method has " + count + " parameter" + (count == 1 ? "" : "s"));
            }
            return;
        }
        String[] names = parameterNames.getParameterNames(method);
        if (names == null) {
            throw new InvalidLockAnnotationException(description, "'key'", "'" + expression + "' refers to #" + variable
                    + ", but the parameter names of this method are not available: its class was compiled without "
                    + "-parameters. Compile with -parameters (maven-compiler-plugin <parameters>true</parameters>, "
                    + "Gradle options.compilerArgs << '-parameters'), or refer to arguments by position (#p0, #a0)");
        }
        if (!Arrays.asList(names).contains(variable)) {
            throw new InvalidLockAnnotationException(description, "'key'", "'" + expression + "' refers to #" + variable
                    + ", but the method has no parameter of that name (parameters: "
                    + (names.length == 0 ? "none" : String.join(", ", names)) + ")");
        }
    }

    /** A suspend function's last parameter is the Continuation the Kotlin compiler adds, which no key may use. */
    private static int callerParameterCount(Method method) {
        int count = method.getParameterCount();
        return KotlinDetector.isSuspendingFunction(method) ? count - 1 : count;
    }

    private static void collectVariables(SpelNode node, Set<String> variables) {
        if (node instanceof VariableReference) {
            // toStringAST() is "#name" for a variable reference.
            variables.add(node.toStringAST().substring(1));
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            collectVariables(node.getChild(i), variables);
        }
    }
}
