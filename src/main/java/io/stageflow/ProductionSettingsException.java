package io.stageflow;

import java.util.List;

/** The {@code mysql} profile's settings that are missing or malformed, every one of them. */
class ProductionSettingsException extends IllegalStateException {

    private final transient List<String> problems;

    ProductionSettingsException(List<String> problems) {
        super("The mysql profile cannot start: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    List<String> problems() {
        return problems;
    }
}
