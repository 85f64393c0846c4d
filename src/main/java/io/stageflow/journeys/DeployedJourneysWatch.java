package io.stageflow.journeys;

import java.util.concurrent.atomic.AtomicLong;

import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.stereotype.Component;

/**
 * Counts the journeys this node's engine has parsed, when it parses them and again when their deployment commits, so
 * that {@link ListeningJourneys} reads the deployed journeys again at once after a deployment on this node (from
 * {@code bpmn/}, the API or Camunda Modeler) rather than after its refresh interval.
 */
@Component
class DeployedJourneysWatch extends AbstractProcessEnginePlugin {

    private final AtomicLong parsed = new AtomicLong();

    /** Changes whenever a journey was parsed or its deployment committed on this node. */
    long generation() {
        return parsed.get();
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        EngineHooks.addParseListenerOnce(configuration, counting);
    }

    private final BpmnParseListener counting = new AbstractBpmnParseListener() {
        @Override
        public void parseProcess(Element process, ProcessDefinitionEntity definition) {
            parsed.incrementAndGet();
            CommandContext command = Context.getCommandContext();
            if (command != null) {
                command.getTransactionContext().addTransactionListener(TransactionState.COMMITTED,
                        committed -> parsed.incrementAndGet());
            }
        }
    };
}
