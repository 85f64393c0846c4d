package io.stageflow.journeys;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.camunda.bpm.engine.OptimisticLockingException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionTimedOutException;

/**
 * Tells a routing failure that may pass by itself (a deadlock, a lock wait timeout, a concurrent update of the
 * same journey, a lost or refused database connection) from one that will fail again the same way (the event's
 * data does not fit a column, a journey's expression throws, a bug). Only the first kind is worth retrying, and
 * only it may hold back the customer's later events; the second is dead-lettered at once.
 */
final class RoutingFailures {

    /** SQLSTATE classes: 08 connection exception, 40 transaction rollback (serialization failure, deadlock). */
    private static final Set<String> TRANSIENT_SQL_STATE_CLASSES = Set.of("08", "40");
    /** MySQL/MariaDB: 1205 lock wait timeout, 1213 deadlock; H2: 50200 lock timeout. */
    private static final Set<Integer> TRANSIENT_VENDOR_CODES = Set.of(1205, 1213, 50200);

    private RoutingFailures() {
    }

    /** Whether anything in the cause chain says the failure is transient. */
    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof TransientDataAccessException || cause instanceof RecoverableDataAccessException
                    || cause instanceof DataAccessResourceFailureException
                    || cause instanceof CannotCreateTransactionException
                    || cause instanceof TransactionTimedOutException
                    || cause instanceof OptimisticLockingException
                    || cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql && (TRANSIENT_VENDOR_CODES.contains(sql.getErrorCode())
                    || sql.getSQLState() != null && sql.getSQLState().length() >= 2
                            && TRANSIENT_SQL_STATE_CLASSES.contains(sql.getSQLState().substring(0, 2)))) {
                return true;
            }
        }
        return false;
    }
}
