package io.stageflow.analytics;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stageflow.events.EventEffect;
import io.stageflow.events.EventStore;
import io.stageflow.events.StoredEvent;
import io.stageflow.support.PollingWorker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Adds the orders and survey answers routed before the order ledger and the survey scores existed: a background
 * worker goes once through the stored {@code order_completed} and {@code survey_answered} events that were routed
 * (oldest first, a batch per transaction, remembering where it is in {@code sf_analytics_backfill}) and applies
 * {@link OrderLedger} and {@link SurveyScores} to each, as routing does now. Both are idempotent, so an event that
 * routing has recorded meanwhile, or a batch done again after a crash or on a second node, counts once. When a type
 * is done its row is deleted, and the worker has nothing left to do but look at an empty table once an hour.
 */
@Configuration(proxyBeanMethods = false)
class LedgerBackfill {

    private static final Logger log = LoggerFactory.getLogger(LedgerBackfill.class);
    private static final int BATCH = 200;

    private final JdbcClient jdbc;
    private final EventStore events;
    private final TransactionTemplate transactions;
    private final Map<String, Ledger> ledgers;

    LedgerBackfill(JdbcClient jdbc, EventStore events, PlatformTransactionManager transactions, OrderLedger orders,
            SurveyScores scores) {
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = new TransactionTemplate(transactions);
        this.ledgers = Map.of("orders", new Ledger("order_completed", orders),
                "survey-scores", new Ledger("survey_answered", scores));
    }

    @Bean
    PollingWorker analyticsBackfillWorker() {
        return new PollingWorker("analytics-backfill", Duration.ofHours(1), this::backfillOnce);
    }

    /** Applies one batch of events to one ledger still to be backfilled; true if there was one. */
    boolean backfillOnce() {
        List<String> pending = jdbc.sql("select name from sf_analytics_backfill order by name").query(String.class)
                .list();
        for (String name : pending) {
            Ledger ledger = ledgers.get(name);
            if (ledger == null) {
                continue;
            }
            try {
                transactions.executeWithoutResult(status -> batch(name, ledger));
            } catch (DataIntegrityViolationException | PessimisticLockingFailureException e) {
                log.info("Backfilling {} met routing on the same customer; trying the batch again", name);
            }
            return true;
        }
        return false;
    }

    private void batch(String name, Ledger ledger) {
        Optional<Long> after = jdbc.sql("select after_event_id from sf_analytics_backfill where name = ? for update")
                .param(name).query(Long.class).optional();
        if (after.isEmpty()) {
            return; // another node finished it
        }
        List<Routed> batch = jdbc.sql("select id, message_id from sf_event where type = ? and id > ?"
                        + " and status in ('ROUTED', 'UNMATCHED') order by id limit ?")
                .params(ledger.type(), after.get(), BATCH)
                .query((rs, n) -> new Routed(rs.getLong(1), rs.getString(2)))
                .list();
        if (batch.isEmpty()) {
            jdbc.sql("delete from sf_analytics_backfill where name = ?").param(name).update();
            log.info("Backfilled {} from the stored events", name);
            return;
        }
        for (Routed routed : batch) {
            Optional<StoredEvent> event = events.findByMessageId(routed.messageId());
            event.ifPresent(stored -> ledger.effect().apply(new EventEffect.RoutedEvent(stored, new HashMap<>())));
        }
        jdbc.sql("update sf_analytics_backfill set after_event_id = ? where name = ?")
                .params(batch.get(batch.size() - 1).id(), name).update();
    }

    private record Ledger(String type, EventEffect effect) {
    }

    private record Routed(long id, String messageId) {
    }
}
