package io.stageflow.templates;

import java.util.Map;

/**
 * Implemented by features that put links into {@code $links} (subscriptions add {@code unsubscribe} and
 * {@code preferences}, surveys add {@code survey}), so that templates need not know how each link is signed or
 * answered. Each link's name must be unique across the implementations.
 */
public interface TemplateLinks {

    /**
     * The links of one email to {@code address} (the address every link acts for: the recipient's, or a test
     * send's), {@code outboxId} being its outbox row, or null for a preview or test send, which no row stands for.
     */
    Map<String, String> links(String address, Long outboxId);

    /** Well-formed stand-ins for each link, with the same names, for deploy-time validation of templates. */
    Map<String, String> samples();
}
