package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A mail server that misbehaves (issue 20, scenario 8), against the packaged jar: a {@link FaultySmtpServer} answers
 * {@code 451} to everything for a while from the first email, {@code 454} to bursts of transactions, {@code 550} to
 * one address in 20, and resets the connection after the {@code DATA} of one address in 100. Pass: each temporary
 * failure is retried on the backoff and the email delivered once; a refused address is tried once, suppressed and
 * not retried; the email cut off after its {@code DATA} is sent once more with the same Message-ID
 * ({@code on-ambiguous-delivery: resend}) and so delivered once; the node's {@code max-per-second} holds, also for
 * the backlog the outage left; no journey incident. The times are scaled down (the outage lasts seconds, the backoff
 * starts at one second); {@code -Dstageflow.test.smtp-faults.customers} and {@code .outage-seconds} set the sizes,
 * {@code .retry-backoff} and {@code .max-retry-backoff} the jar's backoff (for an outage of minutes, the product's).
 */
@ExtendWith(PrintLogsOnFailure.class)
class SmtpFaultIT implements PrintLogsOnFailure.RunsTheJar {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.test.smtp-faults.customers", 300);
    private static final Duration OUTAGE = Duration.ofSeconds(
            Integer.getInteger("stageflow.test.smtp-faults.outage-seconds", 10));
    /** The jar's backoff: scaled down by default; the product's (PT30S to PT1H) for an outage of minutes. */
    private static final String RETRY_BACKOFF = System.getProperty("stageflow.test.smtp-faults.retry-backoff", "PT1S");
    private static final String MAX_RETRY_BACKOFF =
            System.getProperty("stageflow.test.smtp-faults.max-retry-backoff", "PT4S");
    private static final int MAX_PER_SECOND = 50;
    private static final int LANES = 4;
    /** Until every email has its end: an email may wait out the outage and then up to twice as long again. */
    private static final Duration SETTLE_PATIENCE = Duration.ofMinutes(4).plus(OUTAGE.multipliedBy(3));

    private final CrashDatabase database = CrashDatabase.fromSystemProperties();
    private StageflowProcess app;

    @Override
    public StageflowProcess process() {
        return app;
    }

    @AfterEach
    void stopTheJar() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void temporaryFailuresAreRetriedOnceDeliveredRefusedAddressesSuppressedAndTheRateHeld() {
        List<String> customers = CrashCustomers.ids("smtp-fault", CUSTOMERS);
        Set<String> refused = every(customers, 20, 7);
        Set<String> resetAfterData = every(customers, 100, 42);
        try (FaultySmtpServer smtp = new FaultySmtpServer(OUTAGE, emails(refused), emails(resetAfterData))) {
            app = StageflowProcess.prepare("smtp-faults", database, StageflowProcess.smtpTo(smtp.port(), Map.of(
                    "stageflow.delivery.dispatcher.connections", Integer.toString(LANES),
                    "stageflow.delivery.dispatcher.retry-backoff", RETRY_BACKOFF,
                    "stageflow.delivery.dispatcher.max-retry-backoff", MAX_RETRY_BACKOFF,
                    // The outage spends four of the default 8 attempts, and the lanes' retries come together, so
                    // a wave can meet one throttling burst after another: once in many runs an email ran out of
                    // the other four. This test is of retrying; the limit of attempts is DeliveryIncidentTest's.
                    "stageflow.delivery.dispatcher.max-attempts", "12",
                    "stageflow.delivery.dispatcher.on-ambiguous-delivery", "resend",
                    "stageflow.delivery.dispatcher.max-per-second", Integer.toString(MAX_PER_SECOND))));
            app.start();
            CrashCustomers.create(app.admin(), customers);
            CrashCustomers.signUp(app.admin(), customers);

            Map<String, List<String>> statuses = WelcomeEmails.awaitSettled(app.admin(), customers, SETTLE_PATIENCE);
            Map<String, List<FaultySmtpServer.Received>> delivered = smtp.accepted().stream()
                    .flatMap(m -> m.recipients().stream().map(r -> Map.entry(r, m)))
                    .collect(Collectors.groupingBy(Map.Entry::getKey,
                            Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
            List<String> shouldArrive = customers.stream().filter(id -> !refused.contains(id)).toList();
            List<String> duplicated = shouldArrive.stream()
                    .filter(id -> delivered.getOrDefault(CrashCustomers.email(id), List.of()).size() > 1).toList();
            List<String> missing = shouldArrive.stream()
                    .filter(id -> delivered.getOrDefault(CrashCustomers.email(id), List.of()).isEmpty()).toList();
            Map<String, JsonNode> refusedRows = refused.stream()
                    .collect(Collectors.toMap(Function.identity(), this::welcomeRow));
            long refusedTriedAgain = refused.stream()
                    .filter(id -> smtp.recipientCommands(CrashCustomers.email(id)) != 1).count();
            List<String> resentWithAnotherId = resetAfterData.stream().filter(id -> {
                String cutOff = smtp.reset().stream().filter(m -> m.recipients().contains(CrashCustomers.email(id)))
                        .map(FaultySmtpServer.Received::messageId).findFirst().orElse("none");
                return delivered.getOrDefault(CrashCustomers.email(id), List.of()).stream()
                        .noneMatch(m -> m.messageId().equals(cutOff));
            }).toList();
            int busiestSecond = smtp.busiestSecond();
            long incidents = app.admin().get("/engine-rest/incident/count").expectStatus(200).json()
                    .path("count").asLong();
            System.out.printf("CLUSTER smtp-faults %s: customers=%d outage=%s 451-replies=%d 454-replies=%d"
                            + " 550-replies=%d resets-after-data=%d transactions=%d delivered-once=%d duplicates=%d"
                            + " missing=%d refused-tried-again=%d resent-with-another-message-id=%d"
                            + " busiest-second=%d (max-per-second %d) incidents=%d message-log=%s backoff=%s..%s%n",
                    database.label(), CUSTOMERS, OUTAGE, smtp.outageReplies(), smtp.throttleReplies(),
                    smtp.rejections(), smtp.reset().size(), smtp.transactions(),
                    shouldArrive.size() - duplicated.size() - missing.size(), duplicated.size(), missing.size(),
                    refusedTriedAgain, resentWithAnotherId.size(), busiestSecond, MAX_PER_SECOND, incidents,
                    WelcomeEmails.tally(statuses), RETRY_BACKOFF, MAX_RETRY_BACKOFF);

            assertThat(smtp.outageOver()).as("the outage began and ended").isTrue();
            assertThat(smtp.outageReplies()).as("451 replies during the outage").isPositive();
            assertThat(smtp.throttleReplies()).as("454 replies in throttling bursts").isPositive();
            assertThat(smtp.reset()).as("connections reset after DATA").hasSize(resetAfterData.size());
            assertThat(duplicated).as("customers who got their welcome email more than once").isEmpty();
            assertThat(missing).as("customers without their welcome email").isEmpty();
            assertThat(resentWithAnotherId).as("emails cut off after DATA, not resent with their Message-ID")
                    .isEmpty();
            assertThat(smtp.rejections()).as("550 replies: each refused address tried once").isEqualTo(refused.size());
            assertThat(refusedTriedAgain).as("refused addresses named in more than one RCPT TO").isZero();
            assertThat(refusedRows.values()).as("refused addresses' welcome emails").allSatisfy(row -> {
                assertThat(row.path("status").asText()).isEqualTo("failed");
                assertThat(row.path("reason").asText()).startsWith("Bounced, address suppressed").contains("550");
            });
            assertThat(shouldArrive.stream().map(statuses::get).distinct().toList())
                    .as("every other welcome email sent").containsExactly(List.of("sent"));
            // A token bucket of max-per-second with a tenth of a second's burst; a few more for the lanes' emails
            // whose way to the server (a thread switch, a connection) drew them closer together.
            assertThat(busiestSecond).as("MAIL FROM commands in the busiest second")
                    .isLessThanOrEqualTo(MAX_PER_SECOND + MAX_PER_SECOND / 10 + LANES);
            assertThat(incidents).as("journey incidents").isZero();
        }
    }

    private JsonNode welcomeRow(String customerId) {
        JsonNode log = app.admin().get("/api/v1/customers/" + customerId + "/messages").expectStatus(200).json();
        return StreamSupport.stream(log.spliterator(), false)
                .filter(row -> row.path("template").asText().equals("welcome")).findFirst().orElseThrow();
    }

    /** Every {@code n}th customer, from the {@code offset}th. */
    private static Set<String> every(List<String> customers, int n, int offset) {
        return IntStream.range(0, customers.size()).filter(i -> i % n == offset).mapToObj(customers::get)
                .collect(Collectors.toSet());
    }

    private static Set<String> emails(Set<String> customerIds) {
        return customerIds.stream().map(CrashCustomers::email).collect(Collectors.toSet());
    }
}
