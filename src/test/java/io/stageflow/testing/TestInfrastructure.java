package io.stageflow.testing;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.stageflow.delivery.SwitchableQuietHours;
import io.stageflow.events.ObservedEvents;
import io.stageflow.imports.ImportFaults;
import io.stageflow.templates.SwitchableApprovalSetting;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.CannotAcquireLockException;

/**
 * Beans only tests need: an engine-driven clock, a mail transport whose server a test can take down, steps
 * that fail once to exercise job retries, an event effect that records its calls (and fails on demand), a
 * fault an import test can arm to break a chunk, and quiet hours and template approval a test switches on.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(ImportFaults.class)
public class TestInfrastructure {

    @Bean
    @Primary
    Clock engineClock() {
        return new EngineClock();
    }

    /** Replaces Spring Boot's mail sender: GreenMail, unless a test takes the server away for a recipient. */
    @Bean
    SmtpOutages smtpOutages() {
        return new SmtpOutages();
    }

    @Bean
    FailOnceAfterSend failOnceAfterSend() {
        return new FailOnceAfterSend();
    }

    @Bean
    @Primary
    SwitchableQuietHours switchableQuietHours() {
        return new SwitchableQuietHours();
    }

    /** Template approval, off until a test switches it on (TemplateApprovalTest, TemplatesBrowserTest). */
    @Bean
    @Primary
    SwitchableApprovalSetting switchableApprovalSetting() {
        return new SwitchableApprovalSetting();
    }

    @Bean
    FailFirstAttemptPerCustomer failFirstAttemptPerCustomer() {
        return new FailFirstAttemptPerCustomer();
    }

    @Bean
    PoisonedCustomers poisonedCustomers() {
        return new PoisonedCustomers();
    }

    @Bean
    ConcurrencyProbe concurrencyProbe() {
        return new ConcurrencyProbe();
    }

    @Bean
    RecordingEffect recordingEffect(ObservedEvents events) {
        return new RecordingEffect(events);
    }

    /**
     * {@code ${failFirstAttemptPerCustomer}}: throws the first time it runs for each business key, as an engine
     * that is briefly unable to take work would (a transient failure: a lock it could not get). A rolled-back
     * attempt leaves no process instance behind.
     */
    public static class FailFirstAttemptPerCustomer implements JavaDelegate {

        private final Set<String> failedCustomers = ConcurrentHashMap.newKeySet();

        @Override
        public void execute(DelegateExecution execution) {
            if (failedCustomers.add(execution.getProcessBusinessKey())) {
                throw new CannotAcquireLockException("Failing the first attempt on purpose");
            }
        }
    }

    /**
     * {@code ${poisonedCustomers}}: throws, for good, for every business key a test has poisoned, as a journey step
     * that cannot handle a customer's data would; a cured customer goes through.
     */
    public static class PoisonedCustomers implements JavaDelegate {

        private final Set<String> poisoned = ConcurrentHashMap.newKeySet();

        @Override
        public void execute(DelegateExecution execution) {
            if (poisoned.contains(execution.getProcessBusinessKey())) {
                throw new IllegalArgumentException("This customer's data cannot be handled (on purpose)");
            }
        }

        public void poison(String customerId) {
            poisoned.add(customerId);
        }

        public void cure(String customerId) {
            poisoned.remove(customerId);
        }
    }

    /**
     * {@code ${concurrencyProbe}}: counts how many of its runs are in progress at once. A test that expects {@code n}
     * at once arms it; each run then waits (5 s at most) until {@code n} runs have arrived, so runs that could overlap
     * do, and runs one after the other still end.
     */
    public static class ConcurrencyProbe implements JavaDelegate {

        private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
        private volatile java.util.concurrent.CountDownLatch arrivals = new java.util.concurrent.CountDownLatch(0);

        public void expect(int atOnce) {
            mostAtOnce.set(0);
            arrivals = new java.util.concurrent.CountDownLatch(atOnce);
        }

        public int mostAtOnce() {
            return mostAtOnce.get();
        }

        @Override
        public void execute(DelegateExecution execution) throws InterruptedException {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                java.util.concurrent.CountDownLatch arrived = arrivals;
                arrived.countDown();
                arrived.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    /** {@code ${failOnceAfterSend}}: throws the first time it runs in each process instance. */
    public static class FailOnceAfterSend implements JavaDelegate {

        private final Set<String> failedInstances = ConcurrentHashMap.newKeySet();

        @Override
        public void execute(DelegateExecution execution) {
            if (failedInstances.add(execution.getProcessInstanceId())) {
                throw new IllegalStateException("Failing once on purpose, after the send step");
            }
        }

        public boolean hasFailedIn(String processInstanceId) {
            return failedInstances.contains(processInstanceId);
        }
    }
}
