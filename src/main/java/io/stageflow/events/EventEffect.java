package io.stageflow.events;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stageflow.support.Sha256;

/**
 * A feature's own rule for some event types, applied whenever the router routes such an event, whether or not a
 * journey listens for it: an order counts toward the customer's lifecycle stage (customers), redeems its coupon
 * (offers), converts a referral (referrals). Features contribute effects as Spring beans; the router finds them
 * through this interface and knows none of their rules. An event type that some effect acts on is never retired
 * as a tracking event that nothing acts on.
 * <p>
 * <b>When.</b> An effect runs inside the transaction that routes the event, after the router has decided not to
 * hold the event back for a journey that has not reached its wait yet, and before the event is delivered to
 * waiting steps and starts journeys: journeys see what the effects did, and may read the variables the effects
 * add. If an effect throws, the whole routing of the event rolls back (the effects' writes and the engine's);
 * the router then retries the event or dead-letters it as it does any routing failure. An event may therefore be
 * routed again: an effect must give the same result when it runs again for the same event (its
 * {@code messageId}), which the rollback alone ensures for writes made through the routing transaction.
 * <p>
 * <b>Order.</b> Effects run in ascending Spring {@link org.springframework.core.annotation.Order @Order} of their
 * bean class; the constants below name the places in use. An effect that reads what another writes in the same
 * routing takes a higher number (referrals read the order count that customers has just updated).
 */
public interface EventEffect {

    /** Counts an order and applies the stage rules (customers): later effects and the journeys see it counted. */
    int ORDER_COUNTS = 100;
    /** Gives the journeys the categories of an order's lines when the order names none (orders). */
    int ORDER_CATEGORIES = 150;
    /** Redeems an order's coupon (offers). */
    int COUPON_REDEMPTION = 200;
    /** Links a referred friend, converts or refunds the referral (referrals); reads the order count. */
    int REFERRALS = 300;
    /** Records the order for cohorts and lifetime value (analytics). */
    int ORDER_LEDGER = 350;
    /** Earns and takes back an order's loyalty points, and the bonus points of other events (loyalty). */
    int LOYALTY_POINTS = 370;
    /** Credits an order's revenue to the experiments its customer entered before it (experiments). */
    int EXPERIMENT_REVENUE = 380;
    /** Credits the order's revenue to the journey email that led to it (analytics). */
    int ATTRIBUTION = 400;
    /** Records a survey answer's score for NPS (analytics). */
    int SURVEY_SCORES = 500;

    /** The event types this effect acts on, by their exact name; fixed for the life of the application. */
    Set<String> eventTypes();

    /** Applies the effect to one event of its types, in the routing transaction. */
    void apply(RoutedEvent routed);

    /**
     * The event being routed, and the variables that the journeys it starts or continues will receive: an effect
     * may add its outcome to them (for example {@code orderCount}).
     */
    record RoutedEvent(StoredEvent event, Map<String, Object> journeyVariables) {

        public String customerId() {
            return event.customerId();
        }

        /** The order this event is about: its {@code orderId} property, or Segment's {@code order_id}, or its messageId. */
        public String orderId() {
            return EventProperties.orderId(event.properties(), event.messageId());
        }

        /**
         * The key an order is recorded once by: a hash of the customer and {@link #orderId}, so that the event routed
         * again, or a second event for the same order, counts once.
         */
        public String orderKey() {
            return Sha256.hex(customerId() + "\n" + orderId());
        }

        /**
         * An order's value: {@code total}, or Segment's {@code revenue}, rounded half up to cents (intake has
         * checked that it fits, docs/events.md); none counts as zero.
         */
        public BigDecimal orderAmount() {
            for (String property : List.of("total", "revenue")) {
                BigDecimal amount = EventProperties.money(event.properties().get(property));
                if (amount != null) {
                    return amount;
                }
            }
            return BigDecimal.ZERO;
        }

        /**
         * An order's currency: its {@code currency} property in upper case when it is three letters, otherwise
         * {@code defaultCurrency}. Amounts of different currencies are never added together.
         */
        public String orderCurrency(String defaultCurrency) {
            String currency = EventProperties.currency(event.properties().get("currency"));
            return currency != null ? currency : defaultCurrency.toUpperCase(java.util.Locale.ROOT);
        }

        /** The property's value when it is a string with more than blanks in it, as given; otherwise null. */
        public String text(String property) {
            return event.properties().get(property) instanceof String text && !text.isBlank() ? text : null;
        }
    }
}
