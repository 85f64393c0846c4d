package io.stageflow.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Takes back the email of a journey instance that ended before it was sent ({@link JourneyEnded}): each of its rows
 * still queued, retrying or deferred (by the frequency cap or quiet hours) becomes {@code WITHDRAWN} with the reason,
 * in the transaction that ended the journey, and its outcome is announced ({@link EmailOutcomes}), which releases the
 * coupons it carried. Each row changes by a conditional update, so a row a dispatcher has claimed (being delivered
 * now) is left alone and sent, and a row withdrawn can no longer be claimed. The same shape as an unsubscribe, which
 * stops in-flight email at the last check before it leaves; here the row never reaches that check.
 */
@Component
class Withdrawals {

    private static final Logger log = LoggerFactory.getLogger(Withdrawals.class);

    private final OutboxStore store;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Clock clock;

    Withdrawals(OutboxStore store, ApplicationEventPublisher events, MeterRegistry meters, Clock clock) {
        this.store = store;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
    }

    @EventListener
    void journeyEnded(JourneyEnded ended) {
        if (ended.journeyInstanceId() == null) {
            return;
        }
        String reason = ended.withdrawalReason();
        Instant now = clock.instant();
        List<EmailOutcome> withdrawn = new ArrayList<>();
        for (OutboxEntry entry : store.unsentOfJourneyInstance(ended.journeyInstanceId())) {
            if (store.withdraw(entry, reason, now)) {
                meters.counter("stageflow.emails", "template", entry.templateKey(), "result", "withdrawn").increment();
                withdrawn.add(new EmailOutcome(entry.id(), entry.idempotencyKey(), entry.customerId(),
                        EmailOutcome.Result.WITHDRAWN));
            }
        }
        if (!withdrawn.isEmpty()) {
            events.publishEvent(new EmailOutcomes(withdrawn));
            log.info("Withdrew {} unsent email(s) of journey {} instance {}: {}", withdrawn.size(), ended.journeyKey(),
                    ended.journeyInstanceId(), reason);
        }
    }
}
