package io.stageflow.journeys;

import java.util.ArrayList;

import io.stageflow.delivery.DeliveryFailed;
import io.stageflow.delivery.Outbox;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.impl.jobexecutor.JobHandler;
import org.camunda.bpm.engine.impl.jobexecutor.JobHandlerConfiguration;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.MessageEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns an email that could not be delivered into a Camunda incident on its journey instance, where operators
 * already look. The incident belongs to a job that retries the delivery: the job fails at once while the mail
 * server still refuses (raising the incident, with the error), and Cockpit's "Retry" runs it again. The outbox
 * sends only a row that is still failed, so retrying an incident twice, or after it succeeded, sends nothing new.
 * A journey that has already ended has no instance to carry an incident; its failed email stays in the message
 * log and the {@code stageflow.emails{result=failed}} metric.
 */
@Component
class DeliveryIncidents extends AbstractProcessEnginePlugin {

    static final String JOB_TYPE = "stageflow-email-delivery";

    private static final Logger log = LoggerFactory.getLogger(DeliveryIncidents.class);

    private final Outbox outbox;
    private CommandExecutor commands;

    DeliveryIncidents(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getCustomJobHandlers() == null) {
            configuration.setCustomJobHandlers(new ArrayList<>());
        }
        configuration.getCustomJobHandlers().add(new RetryDelivery());
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine engine) {
        commands = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getCommandExecutorTxRequired();
    }

    @EventListener
    void deliveryFailed(DeliveryFailed failed) {
        try {
            raise(failed);
        } catch (RuntimeException e) {
            log.error("Email {} of step {} failed for good, and raising its incident on journey instance {} failed too;"
                    + " it stays FAILED in the outbox", failed.outboxId(), failed.stepId(), failed.journeyInstanceId(), e);
        }
    }

    private void raise(DeliveryFailed failed) {
        boolean raised = commands.execute(context -> {
            ExecutionEntity instance = context.getExecutionManager().findExecutionById(failed.journeyInstanceId());
            if (instance == null) {
                return false;
            }
            ProcessDefinitionEntity journey = instance.getProcessDefinition();
            MessageEntity job = new MessageEntity();
            job.setExecution(instance);
            job.setProcessDefinitionId(journey.getId());
            job.setProcessDefinitionKey(journey.getKey());
            job.setDeploymentId(journey.getDeploymentId());
            job.setTenantId(instance.getTenantId());
            job.setJobHandlerType(JOB_TYPE);
            job.setJobHandlerConfiguration(new Email(failed.outboxId()));
            // One run now: if the server still refuses, it fails and becomes the incident that carries the error.
            job.setRetries(1);
            context.getJobManager().send(job);
            return true;
        });
        if (raised) {
            log.warn("Email {} of step {} in journey instance {} failed after {} attempts; raised as an incident",
                    failed.outboxId(), failed.stepId(), failed.journeyInstanceId(), failed.attempts());
        } else {
            log.warn("Email {} of step {} failed after {} attempts; journey instance {} has ended, so no incident",
                    failed.outboxId(), failed.stepId(), failed.attempts(), failed.journeyInstanceId());
        }
    }

    /** Which outbox row a delivery job retries. */
    record Email(long outboxId) implements JobHandlerConfiguration {

        @Override
        public String toCanonicalString() {
            return Long.toString(outboxId);
        }
    }

    /** The job behind the incident: one more delivery attempt, which fails the job while the server refuses. */
    class RetryDelivery implements JobHandler<Email> {

        @Override
        public String getType() {
            return JOB_TYPE;
        }

        @Override
        public void execute(Email email, ExecutionEntity execution, CommandContext context, String tenantId) {
            outbox.redeliver(email.outboxId());
        }

        @Override
        public Email newConfiguration(String canonicalString) {
            return new Email(Long.parseLong(canonicalString));
        }

        @Override
        public void onDelete(Email email, JobEntity job) {
            // the outbox row keeps the email's history
        }
    }
}
