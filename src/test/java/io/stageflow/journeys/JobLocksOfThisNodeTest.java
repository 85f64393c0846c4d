package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.stageflow.testing.IntegrationTest;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A node that was killed leaves its jobs locked for the engine's lock time (five minutes); when it starts again
 * under the same node id it releases them, so a journey's email goes out at once rather than that late.
 */
class JobLocksOfThisNodeTest extends IntegrationTest {

    @Autowired
    ProcessEngine processEngine;

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JobLocksOfThisNode jobLocks;

    @Test
    void theJobExecutorRunsUnderTheNodesStableLockOwner() {
        String owner = ((ProcessEngineConfigurationImpl) processEngine.getProcessEngineConfiguration()).getJobExecutor()
                .getLockOwner();
        assertThat(owner).isEqualTo(jobLocks.nodeId());
    }

    @Test
    void aRestartedNodeReleasesTheJobsItsKilledRunHadLockedAndTheirEmailGoesOutAtOnce() {
        repositoryService.createDeployment().name("job-locks-test").enableDuplicateFiltering(true)
                .addModelInstance("job-locks-send.bpmn", Bpmn.createExecutableProcess("job-locks-send")
                        .camundaHistoryTimeToLive(1).startEvent()
                        .serviceTask("Send").camundaAsyncBefore().camundaDelegateExpression("${sendEmail}")
                            .camundaInputParameter("template", "welcome").camundaInputParameter("category", "transactional")
                        .endEvent().done())
                .deploy();
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        String email = id + "@example.com";
        client().putCustomer(id, "{\"email\":\"" + email + "\",\"firstName\":\"Lou\"}").expectStatus(201);

        // The job is created and, in the same transaction, locked as the killed run of this node left it: for an hour.
        String instance = transactions.execute(tx -> {
            String started = runtimeService.startProcessInstanceByKey("job-locks-send", id).getId();
            assertThat(jdbc.sql("update ACT_RU_JOB set LOCK_OWNER_ = ?, LOCK_EXP_TIME_ = ? where PROCESS_INSTANCE_ID_ = ?")
                    .params(jobLocks.nodeId(), Timestamp.from(Instant.now().plus(Duration.ofHours(1))), started)
                    .update()).isEqualTo(1);
            return started;
        });
        assertThat(managementService.createJobQuery().processInstanceId(instance).count()).isEqualTo(1);
        // Nothing else of this node's may be running when it "starts" again (in production nothing can be).
        await().atMost(PATIENCE).until(() -> jdbc.sql(
                "select count(*) from ACT_RU_JOB where LOCK_OWNER_ = ? and PROCESS_INSTANCE_ID_ <> ?")
                .params(jobLocks.nodeId(), instance).query(Long.class).single() == 0);

        jobLocks.postProcessEngineBuild(processEngine); // what the node does when it starts

        assertThat(awaitMail(email, 1)).hasSize(1);
        awaitSettled(id);
        assertThat(mailTo(email)).hasSize(1);
    }
}
