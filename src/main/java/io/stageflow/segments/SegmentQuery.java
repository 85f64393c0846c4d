package io.stageflow.segments;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Compiles a {@link Rule} into one SQL condition over {@code sf_customer c}. The text comes only from this class
 * and {@link SqlDialect}; every value, trait path and event type is a bind parameter, so nothing a marketer writes
 * can change the query. Each condition is two-valued (never SQL NULL), so {@code not} is the exact complement.
 *
 * <p>Relative time: a customer's "days ago" is the age of the timestamp in 24-hour periods from {@code now},
 * computed here in Java and bound as a cutoff, so the database clock and time zone play no part and tests can
 * move time. {@code gt 60} is "more than 60 days ago", {@code lte 7} "at most 7 days ago", {@code eq 3} "3 whole
 * days ago" (at least 3, less than 4).
 */
final class SegmentQuery {

    /** A number as JSON writes it: what a number trait reads as once unquoted. */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private static final String LAST_EVENT =
            "(SELECT MAX(ev.occurred_at) FROM sf_event ev WHERE ev.customer_id = c.id AND ev.type = ?)";

    private final SqlDialect dialect;
    private final Instant now;
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    private SegmentQuery(SqlDialect dialect, Instant now) {
        this.dialect = dialect;
        this.now = now;
    }

    /** The rule as a condition on the customer row {@code c}, relative to {@code now}. */
    static Sql where(Rule rule, SqlDialect dialect, Instant now) {
        SegmentQuery query = new SegmentQuery(dialect, now);
        query.rule(rule);
        return new Sql(query.sql.toString(), query.params);
    }

    private void rule(Rule rule) {
        if (rule instanceof Rule.All all) {
            join(all.rules(), " AND ");
        } else if (rule instanceof Rule.Any any) {
            join(any.rules(), " OR ");
        } else if (rule instanceof Rule.Not not) {
            sql.append("(NOT ");
            rule(not.rule());
            sql.append(')');
        } else {
            condition((Rule.Condition) rule);
        }
    }

    private void join(List<Rule> rules, String operator) {
        sql.append('(');
        for (int i = 0; i < rules.size(); i++) {
            sql.append(i == 0 ? "" : operator);
            rule(rules.get(i));
        }
        sql.append(')');
    }

    private void condition(Rule.Condition condition) {
        if (condition.op() == Operator.NEQ) {
            // "Not equal" is "not (equal)": it includes customers without a value, as a marketer expects.
            sql.append("(NOT ");
            condition(new Rule.Condition(condition.field(), Operator.EQ, condition.value()));
            sql.append(')');
            return;
        }
        SegmentField field = condition.field();
        switch (field.kind()) {
            case STAGE -> compare(column("c.stage"), condition.op(), condition.value());
            case ORDER_COUNT -> compare(column("c.order_count"), condition.op(), condition.value());
            case ORDER_TOTAL -> compare(column("c.order_total"), condition.op(), condition.value());
            case CONSENT -> twoValued(() -> compareOrExists(column("c.marketing_consent"), condition));
            case TRAIT -> twoValued(() -> trait(field.name(), condition));
            case LAST_ORDER_DAYS -> twoValued(() -> daysAgo(column("c.last_order_at"), condition));
            case EVENT_DAYS -> twoValued(() -> daysAgo(new Sql(LAST_EVENT, List.<Object>of(field.name())), condition));
            case PREDICTED, RFM -> twoValued(() -> compareOrExists(predicted(field.name()), condition));
        }
    }

    /**
     * The customer's stored score in {@code column} (one of {@link SegmentField#PREDICTED_COLUMNS} or
     * {@link SegmentField#RFM_COLUMNS}, never user text): NULL without a score, so no comparison matches then.
     */
    private static Sql predicted(String column) {
        if (!SegmentField.PREDICTED_COLUMNS.containsValue(column) && !SegmentField.RFM_COLUMNS.containsValue(column)) {
            throw new IllegalArgumentException("not a prediction column: " + column);
        }
        return column("(SELECT pr." + column + " FROM sf_customer_prediction pr WHERE pr.customer_id = c.id)");
    }

    /** Wraps a condition over a value that may be NULL so that it is false, not unknown, then. */
    private void twoValued(Runnable condition) {
        sql.append("(CASE WHEN ");
        condition.run();
        sql.append(" THEN 1 ELSE 0 END = 1)");
    }

    private void trait(String name, Rule.Condition condition) {
        String path = "$." + name;
        Object value = condition.value();
        switch (condition.op()) {
            case EXISTS -> exists(dialect.trait(SqlDialect.TraitKind.ANY, path), (Boolean) value);
            case CONTAINS -> {
                append(dialect.trait(SqlDialect.TraitKind.STRING, path), "LOWER(", ")");
                sql.append(" LIKE ? ESCAPE '!'");
                params.add("%" + likeEscaped(((String) value).toLowerCase(Locale.ROOT)) + "%");
            }
            case IN -> compare(onlyAStringReadsAsAny(value) ? dialect.anyText(path)
                    : dialect.trait(kindOf(((List<?>) value).get(0)), path), Operator.IN, value);
            case EQ -> compare(onlyAStringReadsAsAny(java.util.Collections.singletonList(value))
                    ? dialect.anyText(path) : dialect.trait(kindOf(value), path), Operator.EQ,
                    value instanceof Boolean b ? b.toString() : value);
            default -> compare(dialect.trait(kindOf(value), path), condition.op(),
                    value instanceof Boolean b ? b.toString() : value);
        }
    }

    /** Whether every value is a text that only a JSON string reads as ({@link #onlyAStringReadsAs}). */
    private static boolean onlyAStringReadsAsAny(Object values) {
        return ((List<?>) values).stream().allMatch(v -> v instanceof String text && onlyAStringReadsAs(text));
    }

    /**
     * Whether no JSON value but a string reads as this text once unquoted: not a number, {@code true},
     * {@code false} or {@code null}, and not an object or an array. Equality with such a text needs no check of
     * the trait's type, so the trait is read once a row ({@link SqlDialect#anyText}).
     */
    static boolean onlyAStringReadsAs(String text) {
        if (text.equals("true") || text.equals("false") || text.equals("null")) {
            return false;
        }
        if (!text.isEmpty() && (text.charAt(0) == '{' || text.charAt(0) == '[')) {
            return false;
        }
        return !JSON_NUMBER.matcher(text.strip()).matches();
    }

    private static SqlDialect.TraitKind kindOf(Object value) {
        if (value instanceof BigDecimal) {
            return SqlDialect.TraitKind.NUMBER;
        }
        return value instanceof Boolean ? SqlDialect.TraitKind.BOOLEAN : SqlDialect.TraitKind.STRING;
    }

    private void compareOrExists(Sql expression, Rule.Condition condition) {
        if (condition.op() == Operator.EXISTS) {
            exists(expression, (Boolean) condition.value());
        } else {
            compare(expression, condition.op(), condition.value());
        }
    }

    private void exists(Sql expression, boolean present) {
        append(expression, "", present ? " IS NOT NULL" : " IS NULL");
    }

    private void compare(Sql expression, Operator op, Object value) {
        append(expression, "", "");
        if (op == Operator.IN) {
            List<?> values = (List<?>) value;
            sql.append(" IN (").append(String.join(", ", values.stream().map(v -> "?").toList())).append(')');
            params.addAll(values);
            return;
        }
        sql.append(switch (op) {
            case EQ -> " = ?";
            case GT -> " > ?";
            case GTE -> " >= ?";
            case LT -> " < ?";
            case LTE -> " <= ?";
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        });
        params.add(value);
    }

    /**
     * Age in days as cutoffs on the timestamp: older than N days is before now - N days. NULL (never ordered, no
     * such event) matches no comparison, and {@code exists} asks for exactly that.
     */
    private void daysAgo(Sql timestamp, Rule.Condition condition) {
        if (condition.op() == Operator.EXISTS) {
            exists(timestamp, (Boolean) condition.value());
            return;
        }
        int days = ((BigDecimal) condition.value()).intValueExact();
        switch (condition.op()) {
            case GT -> cutoff(timestamp, " < ?", days);
            case GTE -> cutoff(timestamp, " <= ?", days);
            case LT -> cutoff(timestamp, " > ?", days);
            case LTE -> cutoff(timestamp, " >= ?", days);
            case EQ -> {
                cutoff(timestamp, " > ?", days + 1);
                sql.append(" AND ");
                cutoff(timestamp, " <= ?", days);
            }
            default -> throw new IllegalArgumentException(condition.op() + " does not apply to days");
        }
    }

    private void cutoff(Sql timestamp, String comparison, int days) {
        append(timestamp, "", comparison);
        params.add(Timestamp.from(now.minus(Duration.ofDays(days))));
    }

    private void append(Sql expression, String before, String after) {
        sql.append(before).append(expression.text()).append(after);
        params.addAll(expression.params());
    }

    private static Sql column(String name) {
        return new Sql(name, List.of());
    }

    /** LIKE wildcards and the escape character itself match literally; {@code !} is the escape on every database. */
    static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
