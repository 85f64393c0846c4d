package io.stageflow.segments;

import java.util.List;

/**
 * A parsed, validated segment rule: conditions combined with all, any and not. Only {@link RuleParser} makes
 * them, so every value here has the type its field and operator need, and {@link SegmentQuery} can compile it
 * without checking again.
 */
sealed interface Rule {

    /** True when every rule holds. */
    record All(List<Rule> rules) implements Rule {
    }

    /** True when at least one rule holds. */
    record Any(List<Rule> rules) implements Rule {
    }

    /** True when the rule does not hold. */
    record Not(Rule rule) implements Rule {
    }

    /**
     * One comparison. {@code value} is a String, a BigDecimal or a Boolean, a list of Strings or of BigDecimals
     * for {@code in}, or a Boolean for {@code exists} (true: is there).
     */
    record Condition(SegmentField field, Operator op, Object value) implements Rule {
    }
}
