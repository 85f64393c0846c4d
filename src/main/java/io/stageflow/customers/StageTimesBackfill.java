package io.stageflow.customers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.stageflow.support.PollingWorker;
import io.stageflow.support.Tallies;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Counts the stage moves recorded before the time-in-stage roll-up existed ({@link StageTimes}) in it, once: a
 * background worker reads the ids that {@code sf_stage_time_backfill} names, a batch per transaction, adds their
 * range, slice and part tallies (summed per hour), and moves the row's {@code next_id} on; the row is deleted when done.
 * The row is locked for each batch, so two nodes never count a move twice. Moves recorded since have their tallies
 * from the move itself, and their ids are beyond {@code until_id}.
 */
@Configuration(proxyBeanMethods = false)
class StageTimesBackfill {

    private static final Logger log = LoggerFactory.getLogger(StageTimesBackfill.class);
    static final int BATCH = 2_000;

    private final JdbcClient jdbc;
    private final Tallies tallies;
    private final TransactionTemplate transactions;

    StageTimesBackfill(JdbcClient jdbc, Tallies tallies, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.tallies = tallies;
        this.transactions = new TransactionTemplate(transactions);
    }

    @Bean
    PollingWorker timeInStageBackfillWorker() {
        return new PollingWorker("time-in-stage-backfill", Duration.ofHours(1), this::backfillOnce);
    }

    /** Counts one batch of earlier moves; true if there was one. */
    boolean backfillOnce() {
        Boolean found = transactions.execute(status -> batch());
        return Boolean.TRUE.equals(found);
    }

    private boolean batch() {
        Optional<long[]> range = jdbc.sql("select next_id, until_id from sf_stage_time_backfill for update")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).optional();
        if (range.isEmpty()) {
            return false;
        }
        long next = range.get()[0];
        long until = range.get()[1];
        List<Move> moves = jdbc.sql("select id, from_stage, changed_at, from_stage_seconds from sf_stage_change"
                        + " where id >= ? and id <= ? order by id limit ?")
                .params(next, until, BATCH)
                .query((rs, n) -> new Move(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        (Long) rs.getObject(4, Long.class)))
                .list();
        if (moves.isEmpty()) {
            jdbc.sql("delete from sf_stage_time_backfill").update();
            log.info("Counted the earlier stage moves in the time-in-stage roll-up");
            return false;
        }
        List<Tallies.Addition> counted = new ArrayList<>();
        for (Move move : moves) {
            if (move.fromStage() != null && move.seconds() != null) {
                counted.addAll(StageTimes.tallies(move.fromStage(), move.seconds(), move.at(), 1));
            }
        }
        tallies.addAll(counted); // summed per tally and hour
        jdbc.sql("update sf_stage_time_backfill set next_id = ?").param(moves.get(moves.size() - 1).id() + 1).update();
        return true;
    }

    private record Move(long id, String fromStage, Instant at, Long seconds) {
    }
}
