package io.stageflow.delivery;

import io.stageflow.support.PollingWorker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;

/** Wires the mail transport and the dispatcher's background worker. */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    /**
     * Names Jakarta Mail's stream provider (Angus Mail's, the one on the class path) unless the JVM was told another.
     * Without the name, Jakarta Mail 2.1 looks the provider up through {@code ServiceLoader}, scanning the class
     * path's jars, on every encoding call of every message (jakartaee/mail-api#861): a fifth of the delivery
     * thread's time in the broadcast benchmark.
     */
    DeliveryConfiguration() {
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    @Bean
    @ConditionalOnProperty(name = "stageflow.delivery.transport", havingValue = "file", matchIfMissing = true)
    JavaMailSender fileOutboxMailSender(DeliveryProperties properties) {
        return new FileOutboxMailSender(properties.fileOutboxDir());
    }

    /** Quiet hours from {@code stageflow.delivery.pacing}; replace this bean for another sending window. */
    @Bean
    SendingWindow quietHours(DeliveryProperties properties) {
        return new QuietHours(properties.pacing().quietHoursStart(), properties.pacing().quietHoursEnd());
    }

    @Bean
    PollingWorker outboxDispatcherWorker(OutboxDispatcher dispatcher, DeliveryProperties properties) {
        return new PollingWorker("outbox-dispatcher", properties.dispatcher().idleWait(), dispatcher::dispatchDue);
    }

    @Bean
    PollingWorker sentCopiesExpiryWorker(SentCopies copies) {
        return new PollingWorker("sent-copies-expiry", SentCopies.LOOK_EVERY, copies::deleteExpired);
    }
}
