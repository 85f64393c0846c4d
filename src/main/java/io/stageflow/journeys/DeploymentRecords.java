package io.stageflow.journeys;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.camunda.bpm.engine.exception.NotValidException;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.DeployCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Who deployed each journey version, which the engine does not keep: every deployment made by a signed-in user
 * (Camunda Modeler through {@code /engine-rest}, the console's upload, {@link JourneyUploads}, which adds the
 * comment) is recorded with that user, in the deployment's own transaction. Every deployment, from wherever, is
 * also held to {@code stageflow.journeys.max-file-size}, and one by anyone but an admin to BPMN files only. Every deployment, from wherever, is
 * also held to {@code stageflow.journeys.max-file-size}: a larger file is refused and nothing of it is deployed.
 */
@Component
class DeploymentRecords extends AbstractProcessEnginePlugin {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final DataSize maxFileSize;
    private final CommandInterceptor recording = new CommandInterceptor() {
        @Override
        public <T> T execute(Command<T> command) {
            T result = next.execute(command);
            if (command instanceof DeployCmd && result instanceof DeploymentEntity deployment) {
                refuseLargeFiles(deployment);
                refuseOtherThanBpmn(deployment);
                String user = Context.getCommandContext().getAuthenticatedUserId();
                if (user != null) {
                    record(deployment.getId(), user);
                }
            }
            return result;
        }
    };

    DeploymentRecords(JdbcClient jdbc, Clock clock, JourneysProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.maxFileSize = properties.maxFileSize();
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getCustomPostCommandInterceptorsTxRequired() == null) {
            configuration.setCustomPostCommandInterceptorsTxRequired(new ArrayList<>());
        }
        if (!configuration.getCustomPostCommandInterceptorsTxRequired().contains(recording)) {
            configuration.getCustomPostCommandInterceptorsTxRequired().add(recording);
        }
    }

    /** Records who made the deployment, in the deployment's transaction. */
    private void record(String deploymentId, String deployedBy) {
        jdbc.sql("insert into sf_journey_deployment (deployment_id, deployed_by, recorded_at) values (?, ?, ?)")
                .params(deploymentId, deployedBy, Timestamp.from(clock.instant()))
                .update();
    }

    /** Adds the author's reason to a deployment recorded in this transaction (blank: none). */
    void comment(String deploymentId, String comment) {
        if (comment != null && !comment.isBlank()) {
            jdbc.sql("update sf_journey_deployment set comment = ? where deployment_id = ?")
                    .params(comment.strip(), deploymentId).update();
        }
    }

    /** Who made each of these deployments and why, by deployment id; deployments of the folder are absent. */
    Map<String, Record> of(List<String> deploymentIds) {
        if (deploymentIds.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("select deployment_id, deployed_by, comment from sf_journey_deployment"
                        + " where deployment_id in (:ids)")
                .param("ids", deploymentIds)
                .query((rs, n) -> new Record(rs.getString(1), rs.getString(2), rs.getString(3)))
                .list().stream().collect(Collectors.toMap(Record::deploymentId, r -> r));
    }

    Optional<Record> of(String deploymentId) {
        return Optional.ofNullable(of(List.of(deploymentId)).get(deploymentId));
    }

    long maxFileBytes() {
        return maxFileSize.toBytes();
    }

    private void refuseLargeFiles(DeploymentEntity deployment) {
        if (deployment.getResources() == null) {
            return;
        }
        for (ResourceEntity resource : deployment.getResources().values()) {
            if (resource.getBytes() != null && resource.getBytes().length > maxFileSize.toBytes()) {
                throw new NotValidException("The file " + resource.getName() + " is "
                        + resource.getBytes().length / 1024 + " KB, more than stageflow.journeys.max-file-size ("
                        + maxFileSize.toKilobytes() + " KB): nothing was deployed");
            }
        }
    }

    /**
     * A deployment by anyone but an admin holds BPMN files only, which {@link DeploymentPolicy} checks as they are
     * parsed. A decision table's expression language or a script file would run code that no parse of a journey
     * sees; those are deployed by an admin. Refused before the transaction commits, so nothing of it is deployed.
     */
    private static void refuseOtherThanBpmn(DeploymentEntity deployment) {
        if (DeploymentPolicy.trusted() || deployment.getResources() == null) {
            return;
        }
        for (String name : deployment.getResources().keySet()) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (!lower.endsWith(".bpmn") && !lower.endsWith(".bpmn20.xml")) {
                throw new NotValidException("The file " + name + " is not a BPMN file: a marketer deploys journeys"
                        + " (.bpmn) only; decision tables, scripts and forms are deployed by an admin. Nothing was"
                        + " deployed");
            }
        }
    }

    /** One person's deployment. */
    record Record(String deploymentId, String deployedBy, String comment) {
    }
}
