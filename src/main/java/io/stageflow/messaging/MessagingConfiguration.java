package io.stageflow.messaging;

import io.stageflow.support.PollingWorker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;

/** Wires the mail transport and the dispatcher's background worker. */
@Configuration(proxyBeanMethods = false)
class MessagingConfiguration {

    @Bean
    @ConditionalOnProperty(name = "stageflow.messaging.transport", havingValue = "file", matchIfMissing = true)
    JavaMailSender fileOutboxMailSender(MessagingProperties properties) {
        return new FileOutboxMailSender(properties.fileOutboxDir());
    }

    /** Quiet hours from {@code stageflow.messaging.pacing}; replace this bean for another sending window. */
    @Bean
    SendingWindow quietHours(MessagingProperties properties) {
        return new QuietHours(properties.pacing().quietHoursStart(), properties.pacing().quietHoursEnd());
    }

    /** The mailto: unsubscribe path, when {@code stageflow.messaging.unsubscribe.mailbox} names a mailbox. */
    @Bean
    @ConditionalOnProperty("stageflow.messaging.unsubscribe.mailbox")
    UnsubscribeMailbox unsubscribeMailbox(MessagingProperties properties, UnsubscribeLinks links,
            Suppressions suppressions) {
        MessagingProperties.Unsubscribe settings = properties.unsubscribe();
        if (settings.inbox().host() == null || settings.inbox().host().isBlank()) {
            throw new IllegalStateException("stageflow.messaging.unsubscribe.mailbox is set, so recipients will mail"
                    + " it to unsubscribe; set stageflow.messaging.unsubscribe.inbox.host (and username, password)"
                    + " so Stageflow can read it, or remove the mailbox");
        }
        return new UnsubscribeMailbox(settings, links, suppressions);
    }

    @Bean
    @ConditionalOnProperty("stageflow.messaging.unsubscribe.mailbox")
    PollingWorker unsubscribeMailboxWorker(UnsubscribeMailbox mailbox, MessagingProperties properties) {
        return new PollingWorker("unsubscribe-mailbox", properties.unsubscribe().inbox().pollInterval(),
                mailbox::processInbox);
    }

    @Bean
    PollingWorker outboxDispatcherWorker(OutboxDispatcher dispatcher, MessagingProperties properties) {
        return new PollingWorker("outbox-dispatcher", properties.dispatcher().idleWait(), dispatcher::dispatchDue);
    }
}
