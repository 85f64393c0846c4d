package io.stageflow.templates;

/**
 * {@code stageflow.templates.require-approval} as a test switches it, in the one shared context: off (the default)
 * unless a test switches it on, which switches it off again when it ends.
 */
public class SwitchableApprovalSetting implements ApprovalSetting {

    private volatile boolean on;

    public void switchOn() {
        on = true;
    }

    public void switchOff() {
        on = false;
    }

    @Override
    public boolean required() {
        return on;
    }
}
