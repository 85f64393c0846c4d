package io.stageflow.journeys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.delegate.BaseDelegateExecution;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.el.Expression;
import org.camunda.bpm.engine.impl.el.JuelExpression;
import org.camunda.bpm.engine.impl.el.JuelExpressionManager;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.spring.SpringExpressionManager;
import org.camunda.bpm.impl.juel.jakarta.el.ValueExpression;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The first wall against code in queries, inside the engine. Camunda 7.24 CE evaluates the expressions of task
 * queries ({@code assigneeExpression}, {@code dueBeforeExpression}, ...) as full JUEL, and its only check (the
 * ad-hoc and stored query validators) is skipped for or-queries ({@code new TaskQueryImpl()} in
 * {@code TaskQueryImpl.or()}, engine-rest's {@code TaskQueryDto}) and for filters extended by a request
 * ({@code TaskQueryImpl.extend()}): any signed-in user could run commands on the server.
 * <p>
 * Every query expression, whatever path it came by, is evaluated in one place,
 * {@code AbstractQuery.evaluateExpressions()}, as {@code expressionManager.createExpression(text).getValue(null)}:
 * with no variable scope, unlike any expression of a process (delegate expressions, conditions, timers get an
 * execution, or Camunda's {@code StartProcessVariableScope} for start timers). So this plugin installs an
 * expression manager whose expressions, when evaluated without a variable scope, must first pass
 * {@link QueryExpressionAllowList}. Expressions of processes are untouched. A refused expression is a
 * {@link BadUserRequestException}, which engine-rest answers with 400.
 */
@Component
class QueryExpressionGuard extends AbstractProcessEnginePlugin {

    private final ApplicationContext applicationContext;
    private final QueryExpressionAllowList allowList = new QueryExpressionAllowList();

    QueryExpressionGuard(ApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        // The starter's ProcessEngineFactoryBean has set a SpringExpressionManager before the plugins run. Anything
        // else would be a setup this guard does not know, and replacing it silently would lose its resolvers.
        if (configuration.getExpressionManager() != null
                && configuration.getExpressionManager().getClass() != SpringExpressionManager.class) {
            throw new IllegalStateException("Unexpected expression manager "
                    + configuration.getExpressionManager().getClass().getName() + "; the query expression guard "
                    + "replaces Camunda's SpringExpressionManager only");
        }
        configuration.setExpressionManager(new GuardedExpressionManager(applicationContext, configuration.getBeans(),
                allowList));
        List<CommandInterceptor> interceptors = configuration.getCustomPreCommandInterceptorsTxRequired() == null
                ? new ArrayList<>() : new ArrayList<>(configuration.getCustomPreCommandInterceptorsTxRequired());
        interceptors.add(new RefusalAsBadRequest());
        configuration.setCustomPreCommandInterceptorsTxRequired(interceptors);
    }

    /** Camunda's expression manager for Spring, with guarded expressions. */
    static final class GuardedExpressionManager extends SpringExpressionManager {

        private final QueryExpressionAllowList allowList;

        GuardedExpressionManager(ApplicationContext applicationContext, Map<Object, Object> beans,
                QueryExpressionAllowList allowList) {
            super(applicationContext, beans);
            this.allowList = allowList;
        }

        @Override
        public Expression createExpression(String expression) {
            ensureInitialized();
            return new GuardedExpression(createValueExpression(expression), this, expression, allowList);
        }
    }

    /** Refuses to evaluate, without a variable scope, anything the allow-list does not accept. */
    static final class GuardedExpression extends JuelExpression {

        private final QueryExpressionAllowList allowList;

        GuardedExpression(ValueExpression valueExpression, JuelExpressionManager manager, String text,
                QueryExpressionAllowList allowList) {
            super(valueExpression, manager, text);
            this.allowList = allowList;
        }

        @Override
        public Object getValue(VariableScope variableScope, BaseDelegateExecution contextExecution) {
            checkWithoutScope(variableScope);
            return super.getValue(variableScope, contextExecution);
        }

        @Override
        public void setValue(Object value, VariableScope variableScope, BaseDelegateExecution contextExecution) {
            checkWithoutScope(variableScope);
            super.setValue(value, variableScope, contextExecution);
        }

        private void checkWithoutScope(VariableScope variableScope) {
            if (variableScope == null) {
                String rejection = allowList.rejection(expressionText);
                if (rejection != null) {
                    throw new QueryExpressionRefused("Query expression " + rejection);
                }
            }
        }
    }

    /** A query expression that is not on the allow-list. */
    static final class QueryExpressionRefused extends BadUserRequestException {

        QueryExpressionRefused(String message) {
            super(message);
        }
    }

    /**
     * {@code AbstractQuery.evaluateExpressions()} wraps whatever an expression throws into a plain
     * {@code ProcessEngineException} (a 500 in engine-rest); this unwraps a refusal, so the caller gets a 400.
     */
    static final class RefusalAsBadRequest extends CommandInterceptor {

        @Override
        public <T> T execute(Command<T> command) {
            try {
                return next.execute(command);
            } catch (RuntimeException e) {
                for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                    if (cause instanceof QueryExpressionRefused refused) {
                        throw refused;
                    }
                }
                throw e;
            }
        }
    }
}
