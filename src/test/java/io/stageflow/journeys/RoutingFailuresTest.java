package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;

import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** Which routing failures are worth a retry (and may hold the customer's later events), and which are not. */
class RoutingFailuresTest {

    @Test
    void locksConflictsAndLostConnectionsAreTransient() {
        assertThat(RoutingFailures.isTransient(new CannotAcquireLockException("deadlock"))).isTrue();
        assertThat(RoutingFailures.isTransient(new OptimisticLockingException("concurrent update"))).isTrue();
        assertThat(RoutingFailures.isTransient(new CannotGetJdbcConnectionException("no connection"))).isTrue();
        assertThat(RoutingFailures.isTransient(new ProcessEngineException("wrapped",
                new SQLTransactionRollbackException("Deadlock found", "40001", 1213)))).isTrue();
        assertThat(RoutingFailures.isTransient(new ProcessEngineException("wrapped",
                new SQLException("Lock wait timeout exceeded", "HY000", 1205)))).isTrue();
    }

    @Test
    void dataErrorsAndBugsAreNot() {
        assertThat(RoutingFailures.isTransient(new DataIntegrityViolationException("Out of range value for order_total",
                new SQLException("Out of range", "22003", 1264)))).isFalse();
        assertThat(RoutingFailures.isTransient(new NumberFormatException("Infinity"))).isFalse();
        assertThat(RoutingFailures.isTransient(new ProcessEngineException("Unknown property used in expression"))).isFalse();
        assertThat(RoutingFailures.isTransient(new IllegalStateException("a bug"))).isFalse();
    }
}
