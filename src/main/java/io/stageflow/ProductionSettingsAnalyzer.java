package io.stageflow;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link ProductionSettingsException} into Spring Boot's short "APPLICATION FAILED TO START" report: each
 * setting on a line of its own, and where to set them, instead of a stack trace.
 */
class ProductionSettingsAnalyzer extends AbstractFailureAnalyzer<ProductionSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ProductionSettingsException cause) {
        StringBuilder description = new StringBuilder("The mysql profile needs these settings, and they are missing"
                + " or malformed:\n");
        cause.problems().forEach(problem -> description.append("\n    - ").append(problem));
        return new FailureAnalysis(description.toString(), "Set each variable in the environment the application"
                + " starts with (docker/README.md lists them; docs/configuration.md has every setting), then start"
                + " it again.", cause);
    }
}
