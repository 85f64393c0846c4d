package io.stageflow.testing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.stageflow.events.EventEffect;
import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * An {@link EventEffect} only tests register, for two made-up event types no journey of the application uses: it
 * remembers each call, gives the journeys {@code probed = true}, and records a follow-up event
 * ({@code effect-probe-followup-<messageId>}) in the routing transaction. For a customer a test has poisoned it
 * then throws for good (also on {@code order_completed}, after the built-in order rules, so that a test sees
 * their writes rolled back); for one a test asked to fail once, it throws a transient failure the first time.
 * Other customers' orders pass through untouched.
 */
public class RecordingEffect implements EventEffect {

    public static final String TYPE = "effect_probe";
    public static final String STARTS_A_JOURNEY = "effect_probe_journey";
    public static final String FOLLOW_UP = "effect_probe_followup";

    private final ObservedEvents events;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Set<String> poisoned = ConcurrentHashMap.newKeySet();
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();

    RecordingEffect(ObservedEvents events) {
        this.events = events;
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of(TYPE, STARTS_A_JOURNEY, "order_completed");
    }

    @Override
    public void apply(RoutedEvent routed) {
        String customerId = routed.customerId();
        boolean ours = !routed.event().type().equals("order_completed");
        if (ours) {
            calls.add(new Call(routed.event().messageId(), customerId,
                    TransactionSynchronizationManager.isActualTransactionActive()));
            routed.journeyVariables().put("probed", true);
            events.record(new IncomingEvent("effect-probe-followup-" + routed.event().messageId(), FOLLOW_UP,
                    customerId, null, Map.of()));
        }
        if (poisoned.contains(customerId)) {
            throw new IllegalArgumentException("This effect cannot handle the customer (on purpose)");
        }
        if (ours && failOnce.remove(customerId)) {
            throw new CannotAcquireLockException("Failing the first attempt on purpose");
        }
    }

    public void poison(String customerId) {
        poisoned.add(customerId);
    }

    public void failOnceFor(String customerId) {
        failOnce.add(customerId);
    }

    /** The calls for this event, in the order they came (one per routing attempt). */
    public List<Call> callsFor(String messageId) {
        return calls.stream().filter(call -> call.messageId().equals(messageId)).toList();
    }

    /** One call: for which event and customer, and whether a transaction was active. */
    public record Call(String messageId, String customerId, boolean inTransaction) {
    }
}
