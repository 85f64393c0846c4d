package io.stageflow.segments;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A field a segment condition may name, parsed from its JSON spelling. This is the whitelist: only these fields
 * exist, each maps to a fixed SQL expression in {@link SegmentQuery}, and the one user-chosen part of a name (the
 * trait or event type) must match a strict pattern before it goes anywhere near SQL, and then only as a bind
 * parameter.
 */
record SegmentField(Kind kind, String name) {

    static final String KNOWN = "traits.<name>, stage, consent.marketing, orders.count, orders.total, "
            + "lastOrder.daysAgo, events.<type>.withinDays, predicted.churnRisk, predicted.aliveProbability, "
            + "predicted.expectedOrders90d, predicted.clv, rfm.recency, rfm.frequency or rfm.monetary";

    /**
     * The predicted scores (docs/predictions.md) by spelling, each with its column of {@code sf_customer_prediction}:
     * the name of a {@link Kind#PREDICTED} or {@link Kind#RFM} field is its column, never anything a marketer wrote.
     */
    static final Map<String, String> PREDICTED_COLUMNS = Map.of(
            "predicted.churnRisk", "churn_risk",
            "predicted.aliveProbability", "p_alive",
            "predicted.expectedOrders90d", "expected_orders_90d",
            "predicted.clv", "predicted_clv");

    /** The RFM quintiles (1 to 5) by spelling, each with its column of {@code sf_customer_prediction}. */
    static final Map<String, String> RFM_COLUMNS = Map.of(
            "rfm.recency", "rfm_recency",
            "rfm.frequency", "rfm_frequency",
            "rfm.monetary", "rfm_monetary");

    /** Letters, digits and underscores, starting with a letter or underscore: a JSON path needs no quoting then. */
    static final Pattern TRAIT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** As event types are accepted (snake_case). */
    static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private static final Pattern EVENT_FIELD = Pattern.compile("events\\.(.*)\\.withinDays");

    /** Each kind of field with the operators that make sense for it. */
    enum Kind {
        TRAIT(EnumSet.allOf(Operator.class)),
        STAGE(EnumSet.of(Operator.EQ, Operator.NEQ, Operator.IN)),
        CONSENT(EnumSet.of(Operator.EQ, Operator.NEQ, Operator.EXISTS)),
        ORDER_COUNT(EnumSet.of(Operator.EQ, Operator.NEQ, Operator.GT, Operator.GTE, Operator.LT, Operator.LTE, Operator.IN)),
        ORDER_TOTAL(EnumSet.of(Operator.EQ, Operator.NEQ, Operator.GT, Operator.GTE, Operator.LT, Operator.LTE, Operator.IN)),
        LAST_ORDER_DAYS(EnumSet.of(Operator.EQ, Operator.NEQ, Operator.GT, Operator.GTE, Operator.LT, Operator.LTE,
                Operator.EXISTS)),
        EVENT_DAYS(EnumSet.of(Operator.EQ, Operator.NEQ, Operator.GT, Operator.GTE, Operator.LT, Operator.LTE,
                Operator.EXISTS)),
        /** A predicted score, a number; a customer without a score matches no comparison ({@code exists} asks). */
        PREDICTED(EnumSet.of(Operator.EQ, Operator.NEQ, Operator.GT, Operator.GTE, Operator.LT, Operator.LTE,
                Operator.EXISTS)),
        /** An RFM quintile, a whole number from 1 to 5; none without a score. */
        RFM(EnumSet.of(Operator.EQ, Operator.NEQ, Operator.GT, Operator.GTE, Operator.LT, Operator.LTE, Operator.IN,
                Operator.EXISTS));

        private final Set<Operator> operators;

        Kind(Set<Operator> operators) {
            this.operators = operators;
        }

        Set<Operator> operators() {
            return operators;
        }

        boolean isDays() {
            return this == LAST_ORDER_DAYS || this == EVENT_DAYS;
        }
    }

    /** The field, or why the spelling is not one; empty result and null problem never happen together. */
    static Parsed parse(String spelling) {
        switch (spelling) {
            case "stage":
                return Parsed.ok(new SegmentField(Kind.STAGE, null));
            case "consent.marketing":
                return Parsed.ok(new SegmentField(Kind.CONSENT, null));
            case "orders.count":
                return Parsed.ok(new SegmentField(Kind.ORDER_COUNT, null));
            case "orders.total":
                return Parsed.ok(new SegmentField(Kind.ORDER_TOTAL, null));
            case "lastOrder.daysAgo":
                return Parsed.ok(new SegmentField(Kind.LAST_ORDER_DAYS, null));
            default:
                break;
        }
        if (PREDICTED_COLUMNS.containsKey(spelling)) {
            return Parsed.ok(new SegmentField(Kind.PREDICTED, PREDICTED_COLUMNS.get(spelling)));
        }
        if (RFM_COLUMNS.containsKey(spelling)) {
            return Parsed.ok(new SegmentField(Kind.RFM, RFM_COLUMNS.get(spelling)));
        }
        if (spelling.startsWith("traits.")) {
            String name = spelling.substring("traits.".length());
            return TRAIT_NAME.matcher(name).matches() ? Parsed.ok(new SegmentField(Kind.TRAIT, name))
                    : Parsed.problem("'" + spelling + "' is not a usable trait name: after traits. use 1 to 64 letters, "
                            + "digits or underscores, starting with a letter or underscore");
        }
        Matcher event = EVENT_FIELD.matcher(spelling);
        if (event.matches()) {
            return EVENT_TYPE.matcher(event.group(1)).matches() ? Parsed.ok(new SegmentField(Kind.EVENT_DAYS, event.group(1)))
                    : Parsed.problem("'" + spelling + "' does not name an event type: use events.<type>.withinDays "
                            + "with a snake_case type such as events.cart_updated.withinDays");
        }
        return Parsed.problem("'" + spelling + "' is not a known field; use " + KNOWN);
    }

    /** The outcome of {@link #parse}. */
    record Parsed(Optional<SegmentField> field, String problem) {
        static Parsed ok(SegmentField field) {
            return new Parsed(Optional.of(field), null);
        }

        static Parsed problem(String problem) {
            return new Parsed(Optional.empty(), problem);
        }
    }
}
