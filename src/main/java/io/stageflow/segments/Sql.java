package io.stageflow.segments;

import java.util.List;

/** SQL text with its bind parameters in order: how a segment rule becomes a query without any value in the text. */
record Sql(String text, List<Object> params) {

    Sql {
        params = List.copyOf(params);
    }
}
