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

    @Bean
    PollingWorker outboxDispatcherWorker(OutboxDispatcher dispatcher, MessagingProperties properties) {
        return new PollingWorker("outbox-dispatcher", properties.dispatcher().idleWait(), dispatcher::dispatchDue);
    }
}
