package io.stageflow.templates;

/**
 * Whether publishing a template version from the console or the API needs an approver's approval
 * ({@code stageflow.templates.require-approval}). An interface, so that a test can switch it without a context of its
 * own.
 */
public interface ApprovalSetting {

    /** True when a publish (or a roll-back) only asks for approval, and an approver publishes. */
    boolean required();
}
