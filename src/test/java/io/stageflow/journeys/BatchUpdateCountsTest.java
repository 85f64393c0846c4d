package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;

import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestDatabase;

import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.db.sql.BatchDbSqlSession;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The mysql profile turns on Connector/J's {@code rewriteBatchedStatements}, and Camunda flushes each command with
 * JDBC batches ({@code jdbcBatchProcessing}, on by default). Camunda's {@code BatchDbSqlSession} needs the real
 * row count of every batched UPDATE and DELETE: a 0 is how it detects a concurrent modification, and a
 * {@code Statement.SUCCESS_NO_INFO} (-2) makes it fail the flush ("batching not supported"); only INSERTs may come
 * back as -2 (see {@code BatchDbSqlSession.requiresAffectedRows} in camunda-bpm-platform, and the "JDBC batch
 * processing" section of docs.camunda.org's Database Configuration page, which lists Oracle before 12 as the
 * database where batching does not work). Connector/J rewrites a batch of more than three UPDATEs into one
 * multi-statement and reads each statement's count back; only INSERTs become one multi-row statement with -2
 * counts. These tests hold the driver to that, on MariaDB only (H2 does not rewrite anything).
 */
class BatchUpdateCountsTest extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    ProcessEngine processEngine;

    @Autowired
    RepositoryService repositoryService;

    @BeforeAll
    static void onlyOnMariaDb() {
        assumeTrue(TestDatabase.isMariaDb(), "rewriteBatchedStatements is a Connector/J setting: MariaDB only");
    }

    @Test
    void batchedUpdatesReportTheRowsEachOneChanged() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertThat(c.unwrap(JdbcConnection.class).getPropertySet()
                    .getBooleanProperty(PropertyKey.rewriteBatchedStatements).getValue())
                    .as("the application's pool runs with rewriteBatchedStatements").isTrue();
            try (Statement s = c.createStatement()) {
                s.execute("create temporary table tmp_update_counts (id int primary key, v int not null)");
                s.execute("insert into tmp_update_counts values (1, 0), (2, 0), (3, 0), (4, 0)");
            }
            try {
                // Two UPDATEs, one of which matches no row.
                assertThat(updateBatch(c, 1, 99)).containsExactly(1, 0);
                // More than three: Connector/J sends them as one multi-statement and still counts each one.
                assertThat(updateBatch(c, 1, 99, 2, 98, 3, 4)).containsExactly(1, 0, 1, 0, 1, 1);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("drop temporary table tmp_update_counts");
                }
            }
        }
    }

    @Test
    void aConcurrentUpdateFoundInABatchedFlushIsAnOptimisticLockingConflict() {
        String key = "batch-counts-" + UUID.randomUUID().toString().substring(0, 8);
        repositoryService.createDeployment().addModelInstance(key + ".bpmn", Bpmn.createExecutableProcess(key)
                .camundaHistoryTimeToLive(1).startEvent().userTask("wait").endEvent().done()).deploy();
        List<String> names = List.of("v1", "v2", "v3", "v4", "v5");
        String instance = runtimeService.startProcessInstanceByKey(key, Map.of("v1", "start", "v2", "start",
                "v3", "start", "v4", "start", "v5", "start")).getId();
        ProcessEngineConfigurationImpl engine = (ProcessEngineConfigurationImpl) processEngine
                .getProcessEngineConfiguration();
        assertThat(engine.isJdbcBatchProcessing()).isTrue();

        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Command<Void> overwriteAll = commandContext -> {
                assertThat(commandContext.getDbSqlSession()).isInstanceOf(BatchDbSqlSession.class);
                ExecutionEntity execution = commandContext.getExecutionManager().findExecutionById(instance);
                execution.getVariables(); // all five read at revision 1
                // Another transaction changes v3 and commits before this command flushes.
                CompletableFuture.runAsync(() -> runtimeService.setVariable(instance, "v3", "theirs"), other).join();
                names.forEach(name -> execution.setVariable(name, "ours"));
                // The flush sends the five UPDATEs of ACT_RU_VARIABLE (where REV_ = 1) as one JDBC batch, which
                // Connector/J rewrites into one multi-statement (seen with profileSQL=true in the test URL: one
                // [QUERY] of five "update ACT_RU_VARIABLE ... and REV_ = 1" joined by ';'); v3's count is 0.
                return null;
            };
            assertThatThrownBy(() -> engine.getCommandExecutorTxRequired().execute(overwriteAll))
                    .isInstanceOf(OptimisticLockingException.class)
                    .hasMessageContaining("VariableInstanceEntity");
        } finally {
            other.shutdown();
        }

        assertThat(runtimeService.getVariables(instance)).containsEntry("v1", "start").containsEntry("v2", "start")
                .containsEntry("v3", "theirs").containsEntry("v4", "start").containsEntry("v5", "start");
    }

    /** Runs {@code update … set v = v + 1 where id = ?} once per id as one JDBC batch; the update counts. */
    private static int[] updateBatch(Connection c, int... ids) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("update tmp_update_counts set v = v + 1 where id = ?")) {
            for (int id : ids) {
                update.setInt(1, id);
                update.addBatch();
            }
            return update.executeBatch();
        }
    }
}
