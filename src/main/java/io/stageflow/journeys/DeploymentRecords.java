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
 * Who deployed each journey version, which the engine does not keep: a deployment through {@code /engine-rest}
 * (Camunda Modeler) is recorded with the user it authenticated as, in the deployment's own transaction; the
 * console records its marketer and comment itself ({@link JourneyUploads}). Every deployment, from wherever, is
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
                String user = Context.getCommandContext().getAuthenticatedUserId();
                if (user != null) {
                    record(deployment.getId(), user, null);
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

    /** Records who made the deployment and why; joins the caller's transaction when there is one. */
    void record(String deploymentId, String deployedBy, String comment) {
        jdbc.sql("insert into sf_journey_deployment (deployment_id, deployed_by, comment, recorded_at)"
                        + " values (?, ?, ?, ?)")
                .params(deploymentId, deployedBy, comment == null || comment.isBlank() ? null : comment.strip(),
                        Timestamp.from(clock.instant()))
                .update();
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

    /** One person's deployment. */
    record Record(String deploymentId, String deployedBy, String comment) {
    }
}
