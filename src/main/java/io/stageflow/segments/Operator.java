package io.stageflow.segments;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The comparisons a segment condition can make; their JSON names are what marketers write in {@code op}. */
enum Operator {
    EQ("eq"), NEQ("neq"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte"), IN("in"), CONTAINS("contains"), EXISTS("exists");

    private final String json;

    Operator(String json) {
        this.json = json;
    }

    String json() {
        return json;
    }

    static Optional<Operator> of(String json) {
        return Arrays.stream(values()).filter(op -> op.json.equals(json)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(Operator::json).collect(Collectors.joining(", "));
    }

    boolean isOrdering() {
        return this == GT || this == GTE || this == LT || this == LTE;
    }
}
