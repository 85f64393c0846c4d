package io.stageflow.journeys;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Gives the job executor a lock owner that stays the same across restarts of this node, and at start-up releases
 * the jobs its previous run had locked. A node killed mid-job (a journey's send step, a timer) would otherwise leave
 * those jobs locked for the engine's lock time, five minutes, and its customers' emails would go out that late.
 * Nothing of this node's previous run can still be running: the process is new. A job whose lock expires while its
 * node is alive may still run twice on two nodes; its effects are idempotent (the outbox queues a step's email
 * once), and the engine rolls back the loser's transaction.
 */
@Component
class JobLocksOfThisNode extends AbstractProcessEnginePlugin {

    private static final Logger log = LoggerFactory.getLogger(JobLocksOfThisNode.class);

    private final JdbcClient jdbc;
    private final String nodeId;

    JobLocksOfThisNode(JdbcClient jdbc, JourneysProperties properties, @Value("${server.port:8080}") int port) {
        this.jdbc = jdbc;
        String configured = properties.nodeId();
        this.nodeId = configured == null || configured.isBlank() ? hostName() + ":" + port : configured.strip();
    }

    /** This node's name, which is its job executor's lock owner. */
    String nodeId() {
        return nodeId;
    }

    @Override
    public void postInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getJobExecutor() != null) {
            configuration.getJobExecutor().setLockOwner(nodeId);
        }
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine processEngine) {
        String prefix = ((ProcessEngineConfigurationImpl) processEngine.getProcessEngineConfiguration())
                .getDatabaseTablePrefix();
        int released = jdbc.sql("update " + prefix + "ACT_RU_JOB set LOCK_OWNER_ = null, LOCK_EXP_TIME_ = null,"
                        + " REV_ = REV_ + 1 where LOCK_OWNER_ = ?")
                .param(nodeId).update();
        if (released > 0) {
            log.warn("Released {} jobs that this node ({}) had locked when it last stopped; they run again now",
                    released, nodeId);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
