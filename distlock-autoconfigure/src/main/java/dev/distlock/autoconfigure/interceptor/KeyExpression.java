package dev.distlock.autoconfigure.interceptor;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.support.StandardEvaluationContext;

/**
 * One method's parsed key expression with what every call needs worked out once: which argument
 * each variable ({@code #name}, {@code #p0}, {@code #a0}) stands for, and, for a key that is a
 * single variable, that argument itself, with no evaluation at all. The variables are those that
 * Spring's {@code MethodBasedEvaluationContext} would define, without discovering the parameter
 * names and filling a variable map on every call.
 */
final class KeyExpression {

    private static final int NOT_A_VARIABLE = -1;

    private final Expression expression;
    private final Map<String, Integer> argumentIndexes;
    private final int singleVariableIndex;

    /** {@code parameterNames} may be null (compiled without {@code -parameters}); {@code callerParameters} excludes a Kotlin Continuation. */
    KeyExpression(Expression expression, String @Nullable [] parameterNames, int callerParameters) {
        this.expression = expression;
        this.argumentIndexes = argumentIndexes(parameterNames, callerParameters);
        this.singleVariableIndex = singleVariableIndex(expression, argumentIndexes);
    }

    Expression expression() {
        return expression;
    }

    /** The key of a call when it is one argument ({@link #isSingleVariable()}). */
    @Nullable Object argument(Object[] args) {
        return args[singleVariableIndex];
    }

    @Nullable Object evaluate(Object root, Object[] args, @Nullable BeanResolver beans) {
        return expression.getValue(new CallContext(root, args, beans));
    }

    private static Map<String, Integer> argumentIndexes(String @Nullable [] names, int count) {
        Map<String, Integer> indexes = new HashMap<>();
        for (int i = 0; i < count; i++) {
            indexes.put("a" + i, i);
            indexes.put("p" + i, i);
            if (names != null && i < names.length && names[i] != null) {
                indexes.put(names[i], i);
            }
        }
        return indexes;
    }

    private static int singleVariableIndex(Expression expression, Map<String, Integer> indexes) {
        if (expression instanceof SpelExpression spel && spel.getAST() instanceof VariableReference variable) {
            // toStringAST() is "#name" for a variable reference; #root and #this are no argument
            Integer index = indexes.get(variable.toStringAST().substring(1));
            return index != null ? index : NOT_A_VARIABLE;
        }
        return NOT_A_VARIABLE;
    }

    /** The arguments as variables, looked up by their index; a variable an expression assigns is kept as usual. */
    private final class CallContext extends StandardEvaluationContext {

        private final Object[] args;

        CallContext(Object root, Object[] args, @Nullable BeanResolver beans) {
            super(root);
            this.args = args;
            if (beans != null) {
                setBeanResolver(beans);
            }
        }

        @Override
        public @Nullable Object lookupVariable(String name) {
            Object assigned = super.lookupVariable(name);
            if (assigned != null) {
                return assigned;
            }
            Integer index = argumentIndexes.get(name);
            return index != null ? args[index] : null;
        }
    }

    /** Whether a call evaluates nothing: the key is one argument. */
    boolean isSingleVariable() {
        return singleVariableIndex != NOT_A_VARIABLE;
    }
}
