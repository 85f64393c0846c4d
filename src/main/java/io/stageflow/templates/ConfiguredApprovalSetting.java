package io.stageflow.templates;

import org.springframework.stereotype.Component;

/** The deployment's {@code stageflow.templates.require-approval}, fixed from start-up. */
@Component
class ConfiguredApprovalSetting implements ApprovalSetting {

    private final boolean required;

    ConfiguredApprovalSetting(TemplatesProperties properties) {
        this.required = properties.requireApproval();
    }

    @Override
    public boolean required() {
        return required;
    }
}
