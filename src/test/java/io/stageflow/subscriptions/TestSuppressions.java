package io.stageflow.subscriptions;

import org.springframework.context.ApplicationContext;

/** For tests of other packages: unsubscribes an address as its one-click link would. */
public final class TestSuppressions {

    private TestSuppressions() {
    }

    public static void unsubscribe(ApplicationContext context, String email) {
        context.getBean(Suppressions.class).suppress(email, Suppressions.Reason.UNSUBSCRIBED);
    }
}
