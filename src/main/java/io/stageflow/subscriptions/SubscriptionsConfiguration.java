package io.stageflow.subscriptions;

import io.stageflow.support.PollingWorker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the mailto: unsubscribe path and its background reader, when a mailbox is named. */
@Configuration(proxyBeanMethods = false)
class SubscriptionsConfiguration {

    /** The mailto: unsubscribe path, when {@code stageflow.subscriptions.unsubscribe.mailbox} names a mailbox. */
    @Bean
    @ConditionalOnProperty("stageflow.subscriptions.unsubscribe.mailbox")
    UnsubscribeMailbox unsubscribeMailbox(SubscriptionsProperties properties, UnsubscribeLinks links,
            Suppressions suppressions, ApplicationEventPublisher events) {
        SubscriptionsProperties.Unsubscribe settings = properties.unsubscribe();
        if (settings.inbox().host() == null || settings.inbox().host().isBlank()) {
            throw new IllegalStateException("stageflow.subscriptions.unsubscribe.mailbox is set, so recipients will"
                    + " mail it to unsubscribe; set stageflow.subscriptions.unsubscribe.inbox.host (and username,"
                    + " password) so Stageflow can read it, or remove the mailbox");
        }
        return new UnsubscribeMailbox(settings, links, suppressions, events);
    }

    @Bean
    @ConditionalOnProperty("stageflow.subscriptions.unsubscribe.mailbox")
    PollingWorker unsubscribeMailboxWorker(UnsubscribeMailbox mailbox, SubscriptionsProperties properties) {
        return new PollingWorker("unsubscribe-mailbox", properties.unsubscribe().inbox().pollInterval(),
                mailbox::processInbox);
    }
}
