package io.stageflow.messaging;

import io.stageflow.support.PollingWorker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.transaction.event.TransactionalEventListener;

/** Wires the mail transport and the dispatcher's background worker. */
@Configuration(proxyBeanMethods = false)
class MessagingConfiguration {

    @Bean
    @ConditionalOnProperty(name = "stageflow.messaging.transport", havingValue = "file", matchIfMissing = true)
    JavaMailSender fileOutboxMailSender(MessagingProperties properties) {
        return new FileOutboxMailSender(properties.fileOutboxDir());
    }

    @Bean
    PollingWorker outboxDispatcherWorker(OutboxDispatcher dispatcher, MessagingProperties properties) {
        return new PollingWorker("outbox-dispatcher", properties.dispatcher().idleWait(), dispatcher::dispatchDue);
    }

    @Bean
    DispatcherWakeUp dispatcherWakeUp(PollingWorker outboxDispatcherWorker) {
        return new DispatcherWakeUp(outboxDispatcherWorker);
    }

    /** Starts delivery as soon as a queued email is committed, instead of at the next poll. */
    static class DispatcherWakeUp {

        private final PollingWorker worker;

        DispatcherWakeUp(PollingWorker worker) {
            this.worker = worker;
        }

        @TransactionalEventListener(fallbackExecution = true)
        void emailQueued(Outbox.EmailQueued event) {
            worker.wakeUp();
        }
    }
}
