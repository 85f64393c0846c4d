package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DeadlockLoserDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Recording an email the mail server accepted outlasts a deadlock or a lost connection, since a row left
 * {@code SENDING} may later be sent again; a mistake that no retry can mend is not retried.
 */
class RecordingSentRetryTest {

    private final List<Long> waits = new ArrayList<>();
    private final RetryTemplate recordingSent = OutboxDispatcher.recordingSent(waits::add);

    @Test
    void aDeadlockAndALostConnectionAreOutlasted() {
        AtomicInteger tries = new AtomicInteger();
        String recorded = recordingSent.execute(retry -> switch (tries.incrementAndGet()) {
            case 1 -> throw new DeadlockLoserDataAccessException("Deadlock found when trying to get lock", null);
            case 2 -> throw new CannotCreateTransactionException("Could not open JDBC Connection",
                    new CannotGetJdbcConnectionException("pool", new SQLTransientConnectionException("timeout")));
            case 3 -> throw new CannotGetJdbcConnectionException("pool", new SQLTransientConnectionException("timeout"));
            default -> "SENT";
        });

        assertThat(recorded).isEqualTo("SENT");
        assertThat(tries).hasValue(4);
        assertThat(waits).containsExactly(50L, 100L, 200L);
    }

    @Test
    void aConstraintViolationIsNotRetried() {
        AtomicInteger tries = new AtomicInteger();

        assertThatThrownBy(() -> recordingSent.execute(retry -> {
            tries.incrementAndGet();
            throw new DataIntegrityViolationException("value too long for column subject");
        })).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(tries).hasValue(1);
    }

    @Test
    void aDatabaseThatStaysDownIsGivenUpOnAfterEightTries() {
        AtomicInteger tries = new AtomicInteger();

        assertThatThrownBy(() -> recordingSent.execute(retry -> {
            tries.incrementAndGet();
            throw new DeadlockLoserDataAccessException("Deadlock found when trying to get lock", null);
        })).isInstanceOf(DeadlockLoserDataAccessException.class);
        assertThat(tries).hasValue(8);
        assertThat(waits).as("about 6 s in all").containsExactly(50L, 100L, 200L, 400L, 800L, 1_600L, 3_200L);
    }
}
