package io.stageflow.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.stageflow.StageflowApplication;

import jakarta.mail.internet.MimeMessage;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole application on a random port, with a real engine and job executor, a real SMTP server, and H2 or
 * MariaDB ({@link TestDatabase}). All subclasses share one cached context, so tests use unique customer ids.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {StageflowApplication.class, TestInfrastructure.class})
@ActiveProfiles(resolver = TestDatabase.class)
public abstract class IntegrationTest {

    protected static final Duration PATIENCE = Duration.ofSeconds(30);
    protected static final String ADMIN_PASSWORD = "Not-the-default-42";

    @LocalServerPort
    private int port;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected RuntimeService runtimeService;

    @Autowired
    protected ManagementService managementService;

    @Autowired
    private IdentityService identities;

    @DynamicPropertySource
    static void testProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.main.banner-mode", () -> "off");
        registry.add("stageflow.delivery.transport", () -> "smtp");
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", TestMailServer::port);
        registry.add("STAGEFLOW_SMTP_HOST", () -> "127.0.0.1");
        registry.add("STAGEFLOW_SMTP_PORT", TestMailServer::port);
        registry.add("STAGEFLOW_SMTP_STARTTLS", () -> "false");
        registry.add("STAGEFLOW_MAIL_FROM", () -> "Stageflow Tests <journeys@stageflow.test>");
        registry.add("STAGEFLOW_ADMIN_PASSWORD", () -> ADMIN_PASSWORD);
        registry.add("STAGEFLOW_PUBLIC_URL", () -> "https://stageflow.test");
        registry.add("stageflow.web.public-url", () -> "https://stageflow.test");
        registry.add("stageflow.templates.dir", () -> TestTemplates.dir().toString());
        // Spring Boot's tests turn every metrics export off; the application's Prometheus endpoint is tested.
        registry.add("management.prometheus.metrics.export.enabled", () -> "true");
        // Template folders a test writes are read within a second (TestTemplates.awaitPublished).
        registry.add("stageflow.templates.check-interval", () -> "1");
        registry.add("stageflow.subscriptions.unsubscribe.mailbox", () -> TestMailServer.UNSUBSCRIBE_MAILBOX);
        registry.add("stageflow.subscriptions.unsubscribe.inbox.protocol", () -> "imap");
        registry.add("stageflow.subscriptions.unsubscribe.inbox.host", () -> "127.0.0.1");
        registry.add("stageflow.subscriptions.unsubscribe.inbox.port", TestMailServer::imapPort);
        registry.add("stageflow.subscriptions.unsubscribe.inbox.username", () -> TestMailServer.UNSUBSCRIBE_USER);
        registry.add("stageflow.subscriptions.unsubscribe.inbox.password", () -> TestMailServer.UNSUBSCRIBE_PASSWORD);
        registry.add("stageflow.subscriptions.unsubscribe.inbox.poll-interval", () -> "PT0.3S");
        registry.add("stageflow.delivery.return-path", () -> "bounces@" + TestMailServer.BOUNCE_DOMAIN);
        registry.add("stageflow.bounces.mailbox.protocol", () -> "imap");
        registry.add("stageflow.bounces.mailbox.host", () -> "127.0.0.1");
        registry.add("stageflow.bounces.mailbox.port", TestMailServer::imapPort);
        registry.add("stageflow.bounces.mailbox.username", () -> TestMailServer.BOUNCE_USER);
        registry.add("stageflow.bounces.mailbox.password", () -> TestMailServer.BOUNCE_PASSWORD);
        registry.add("stageflow.bounces.mailbox.poll-interval", () -> "PT0.3S");
        registry.add("stageflow.bounces.ses.topic-arns", () -> WebhookTestKeys.SES_TOPIC);
        registry.add("stageflow.bounces.sendgrid.verification-key", WebhookTestKeys::sendGridVerificationKey);
        registry.add("stageflow.bounces.mailgun.signing-key", () -> WebhookTestKeys.MAILGUN_SIGNING_KEY);
        registry.add("stageflow.bounces.postmark.username", () -> WebhookTestKeys.POSTMARK_USER);
        registry.add("stageflow.bounces.postmark.password", () -> WebhookTestKeys.POSTMARK_PASSWORD);
        // SMS through a Twilio-style WireMock server (SmsChannelTest); its webhooks are signed with the auth token.
        registry.add("stageflow.sms.enabled", () -> "true");
        registry.add("stageflow.sms.base-url", TestSmsProvider::baseUrl);
        registry.add("stageflow.sms.account-sid", () -> TestSmsProvider.ACCOUNT_SID);
        registry.add("stageflow.sms.auth-token", () -> TestSmsProvider.AUTH_TOKEN);
        registry.add("stageflow.sms.from", () -> TestSmsProvider.FROM);
        // WhatsApp through a WireMock Cloud API (WhatsAppChannelTest), with three approved templates; its webhook is
        // signed with the app secret.
        registry.add("stageflow.whatsapp.enabled", () -> "true");
        registry.add("stageflow.whatsapp.base-url", TestWhatsAppProvider::baseUrl);
        registry.add("stageflow.whatsapp.api-version", () -> TestWhatsAppProvider.API_VERSION);
        registry.add("stageflow.whatsapp.phone-number-id", () -> TestWhatsAppProvider.PHONE_NUMBER_ID);
        registry.add("stageflow.whatsapp.access-token", () -> TestWhatsAppProvider.ACCESS_TOKEN);
        registry.add("stageflow.whatsapp.app-secret", () -> TestWhatsAppProvider.APP_SECRET);
        registry.add("stageflow.whatsapp.verify-token", () -> TestWhatsAppProvider.VERIFY_TOKEN);
        registry.add("stageflow.whatsapp.templates[order_shipped].languages", () -> "en_US,de");
        registry.add("stageflow.whatsapp.templates[order_shipped].parameters", () -> "2");
        registry.add("stageflow.whatsapp.templates[spring_sale].languages", () -> "en_US");
        registry.add("stageflow.whatsapp.templates[spring_sale].parameters", () -> "1");
        registry.add("stageflow.whatsapp.templates[hello_world].languages", () -> "en_US");
        if (TestDatabase.isMariaDb()) {
            registry.add("STAGEFLOW_DB_URL", () -> System.getProperty("stageflow.test.mysql.url"));
            registry.add("STAGEFLOW_DB_USER", () -> System.getProperty("stageflow.test.mysql.user"));
            registry.add("STAGEFLOW_DB_PASSWORD", () -> System.getProperty("stageflow.test.mysql.password", ""));
        } else {
            registry.add("spring.datasource.url", () -> "jdbc:h2:mem:stageflow-test;DB_CLOSE_DELAY=-1");
        }
        // Poll fast, so tests wait milliseconds rather than seconds for background work. The benchmark runner keeps the
        // application's own settings instead (stageflow.test.production-polling), since those are what it measures.
        if (!Boolean.getBoolean("stageflow.test.production-polling")) {
            registry.add("camunda.bpm.job-execution.wait-time-in-millis", () -> "50");
            registry.add("camunda.bpm.job-execution.max-wait", () -> "200");
            registry.add("stageflow.journeys.router.idle-wait", () -> "PT0.1S");
            registry.add("stageflow.journeys.router.retry-backoff", () -> "PT0.2S");
            registry.add("stageflow.journeys.router.max-retry-backoff", () -> "PT1S");
            registry.add("stageflow.delivery.dispatcher.idle-wait", () -> "PT0.1S");
            // Two partition threads per node, so a broadcast's 4 partitions need a second node (BroadcastNodesTest)
            // or two rounds; nodes look for partitions often, and a partition silent for 5 s counts as abandoned.
            registry.add("stageflow.broadcasts.worker-threads", () -> "2");
            registry.add("stageflow.broadcasts.poll-interval", () -> "PT0.1S");
            registry.add("stageflow.broadcasts.stale-after", () -> "PT5S");
            // Scheduled broadcasts start within 0.2 s of their time (BroadcastScheduleTest, BroadcastsBrowserTest).
            registry.add("stageflow.broadcasts.schedule-poll-interval", () -> "PT0.2S");
        }
        // Low enough that a test can exceed it with two requests; every test uses its own write key. The bench
        // profile lifts it, to measure the endpoint rather than the limit.
        registry.add("stageflow.security.ingestion-rate-limit.messages-per-second",
                () -> System.getProperty("stageflow.test.ingest.rate", "50"));
        registry.add("stageflow.security.ingestion-rate-limit.burst", () -> System.getProperty("stageflow.test.ingest.burst", "100"));
        // Take the client's address from X-Forwarded-For, as behind a reverse proxy (tests come from loopback, which
        // Tomcat trusts as a proxy), so LoginThrottleTest can sign in from addresses that are not trusted.
        registry.add("server.forward-headers-strategy", () -> "native");
        registry.add("stageflow.imports.dir", () -> "target/test-imports");
        registry.add("stageflow.imports.progress-log-interval", () -> "PT1S");
        // Tests start the inactivity scan themselves; the daily schedule must never fire in the middle of one.
        registry.add("stageflow.inactivity.cron", () -> "-");
        registry.add("stageflow.recommendations.schedule", () -> "-");
        // BroadcastTest checks that broadcasts keep to this rate (the bench profile lifts it).
        registry.add("stageflow.broadcasts.messages-per-second",
                () -> System.getProperty("stageflow.test.broadcast.rate", "1000"));
        // A segment kept in the configuration rather than in segments/ (SegmentEndpointsTest).
        registry.add("stageflow.segments.definitions.config-big-spenders", () -> """
                {"name": "Big spenders (configuration)", "rule": {"field": "orders.total", "op": "gte", "value": 500}}""");
        // Pages served from 127.0.0.1 may call the tracking API with a browser key (ClientLibrariesTest, whose page is
        // on another port than the application, reached as localhost).
        registry.add("stageflow.events.tracking-api.allowed-origins", () -> "http://127.0.0.1:[*]");
        // Webhook endpoints on the tests' receiving server (WebhookCallTest): loopback, so private addresses are allowed.
        registry.add("stageflow.webhooks.allowed-hosts", () -> "127.0.0.1");
        registry.add("stageflow.webhooks.allow-private-addresses", () -> "true");
        registry.add("stageflow.webhooks.timeout", () -> "PT2S");
        for (String endpoint : List.of("loyalty", "tickets", "gone", "refusing")) {
            registry.add("stageflow.webhooks.endpoints." + endpoint + ".url", () -> TestWebhookReceiver.url("/" + endpoint));
            registry.add("stageflow.webhooks.endpoints." + endpoint + ".secrets[0]", () -> TestWebhookReceiver.SECRET);
        }
        registry.add("stageflow.webhooks.endpoints.loyalty.secrets[1]", () -> TestWebhookReceiver.SECOND_SECRET);
        propertiesSetOnTheCommandLine(registry);
    }

    /**
     * Any property given as {@code -Dstageflow.test.set.<property>=<value>} wins over the above and the application's
     * own: the benchmark runner's tuning runs try settings this way (docs/benchmarks.md). Added last, so they win.
     */
    private static void propertiesSetOnTheCommandLine(DynamicPropertyRegistry registry) {
        String prefix = "stageflow.test.set.";
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(prefix)).sorted()
                .forEach(name -> registry.add(name.substring(prefix.length()), () -> System.getProperty(name)));
    }

    @AfterEach
    void resetEngineClock() {
        ClockUtil.reset();
    }

    /** Where the application answers: {@code http://localhost:<random port>}. */
    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    /** A client logged in as the admin user. */
    protected StageflowClient client() {
        return new StageflowClient(port, "admin", ADMIN_PASSWORD);
    }

    /** A client with these credentials, or none when {@code user} is null. */
    protected StageflowClient client(String user, String password) {
        return new StageflowClient(port, user, password);
    }

    /**
     * Waits, polling {@code GET /api/v1/jobs/{id}} as the admin every {@code poll}, until the batch job (an import, a
     * broadcast) has ended: completed, failed or stopped. Returns the job as that route last answered.
     */
    protected com.fasterxml.jackson.databind.JsonNode awaitJobEnd(long id, Duration atMost, Duration poll) {
        java.util.concurrent.atomic.AtomicReference<com.fasterxml.jackson.databind.JsonNode> job =
                new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(atMost).pollInterval(poll).until(() -> {
            job.set(client().get("/api/v1/jobs/" + id).expectStatus(200).json());
            return java.util.Set.of("COMPLETED", "FAILED", "STOPPED").contains(job.get().path("status").asText());
        });
        return job.get();
    }

    /**
     * A new user in this group (a Stageflow role: {@code Roles.OPERATOR}, …) with this password, or in no group when
     * {@code group} is null (a user with no Stageflow role); its id.
     */
    protected String newUser(String group, String password) {
        String id = (group == null ? "nobody" : group) + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        User user = identities.newUser(id);
        user.setPassword(password);
        identities.saveUser(user);
        if (group != null) {
            identities.createMembership(id, group);
        }
        return id;
    }

    /** A logged-in session of Camunda's webapps, as a browser has it (cookies and CSRF token). */
    protected WebappSession webappSession(String user, String password) {
        return WebappSession.login(port, user, password);
    }

    /** Moves engine time, and with it Stageflow's clock, forward; due timers fire on the job executor. */
    protected static void advanceClock(Duration duration) {
        ClockUtil.offset(ClockUtil.getCurrentTime().getTime() - System.currentTimeMillis() + duration.toMillis());
    }

    /**
     * The totals of the welcome journey's send step in a message report
     * ({@code /api/v1/analytics/messages?...&template=welcome}): other tests' retried sends of the welcome template
     * may count on the same day under other senders.
     */
    protected static com.fasterxml.jackson.databind.JsonNode welcomeStepTotals(
            com.fasterxml.jackson.databind.JsonNode report) {
        for (com.fasterxml.jackson.databind.JsonNode messages : report.path("messages")) {
            if (messages.path("sender").asText().equals("welcome/SendWelcomeEmail")) {
                return messages.path("totals");
            }
        }
        throw new AssertionError("no welcome/SendWelcomeEmail in " + report);
    }

    protected static List<MimeMessage> mailTo(String email) {
        return TestMailServer.messagesTo(email);
    }

    /**
     * Waits until {@code email} has received at least {@code count} messages; a test that waits in vain is told what
     * was left to do for the address's customer (see {@link #stateOfRecipient}).
     */
    protected List<MimeMessage> awaitMail(String email, int count) {
        try {
            await().atMost(PATIENCE).until(() -> mailTo(email).size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(email + " received " + mailTo(email).size() + " of " + count + " emails within "
                    + PATIENCE + "; " + stateOfRecipient(email), e);
        }
        return mailTo(email);
    }

    /**
     * What decides when the address's customer is mailed next: the engine's clock, each of their outbox rows
     * whatever its status, and every job of their journeys, due or not.
     */
    private String stateOfRecipient(String email) {
        StringBuilder state = new StringBuilder("engine clock ").append(ClockUtil.getCurrentTime().toInstant());
        for (String customerId : jdbc.sql("select id from sf_customer where email = ?").param(email)
                .query(String.class).list()) {
            state.append("; customer ").append(customerId).append(": outbox ").append(outboxRows(customerId, false))
                    .append(", jobs ").append(journeyJobs(customerId, false));
        }
        return state.toString();
    }

    /** The customer's outbox rows (only those still to send, or all), described for a failure message. */
    private List<String> outboxRows(String customerId, boolean unsentOnly) {
        return jdbc.sql("select id, template_key, status, attempts, next_attempt_at, lease_until, handed_over_at,"
                        + " last_error from sf_outbox where customer_id = ?"
                        + (unsentOnly ? " and status in ('PENDING', 'SENDING')" : "") + " order by id")
                .param(customerId)
                .query((rs, row) -> ("row %d (%s) %s, attempt %d, next attempt %s, lease until %s, handed over %s,"
                        + " last error %s").formatted(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getTimestamp(5), rs.getTimestamp(6), rs.getTimestamp(7), rs.getString(8)))
                .list();
    }

    /** The jobs of the customer's journeys (only those due now, or all), described for a failure message. */
    private List<String> journeyJobs(String customerId, boolean dueOnly) {
        return runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(customerId).list().stream()
                .flatMap(instance -> {
                    org.camunda.bpm.engine.runtime.JobQuery jobs = managementService.createJobQuery()
                            .processInstanceId(instance.getId());
                    return (dueOnly ? jobs.executable() : jobs).list().stream();
                })
                .map(job -> job.getProcessDefinitionKey() + " job " + job.getId() + " retries " + job.getRetries()
                        + " due " + job.getDuedate() + (job.isSuspended() ? " suspended" : "") + " error "
                        + job.getExceptionMessage())
                .toList();
    }

    /**
     * A customer inserted straight into {@code sf_customer} in {@code stage} since {@code since} (null: unknown), for
     * tests of stage analytics that then move them with the clock set; the id starts with {@code prefix}.
     */
    protected String customerInStage(String prefix, String stage, java.time.Instant since) {
        String id = prefix + java.util.UUID.randomUUID().toString().substring(0, 12);
        java.sql.Timestamp created = java.sql.Timestamp.from(java.time.Instant.parse("2041-01-01T00:00:00Z"));
        jdbc.sql("""
                insert into sf_customer (id, email, first_name, locale, time_zone, created_at, updated_at, stage,
                                         stage_since, order_count, order_total, marketing_consent)
                values (?, ?, 'Test', 'en', 'UTC', ?, ?, ?, ?, 0, 0, true)""")
                .params(id, id + "@example.com", created, created, stage,
                        since == null ? null : java.sql.Timestamp.from(since))
                .update();
        return id;
    }

    /**
     * Waits until nothing is left to do for this customer right now: no event waiting to be routed, no email
     * waiting to be sent, no job due. Only then does "exactly one email" mean something.
     */
    protected void awaitSettled(String customerId) {
        try {
            await().atMost(PATIENCE).until(() -> isSettled(customerId));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("Customer " + customerId + " was not settled within " + PATIENCE + ": "
                    + unsettled(customerId), e);
        }
    }

    /** What is still to do for the customer, for the message of a test that waited in vain. */
    private String unsettled(String customerId) {
        List<String> events = jdbc.sql("select type from sf_event where customer_id = ? and status = 'PENDING'")
                .param(customerId).query(String.class).list();
        return "pending events " + events + ", unsent email " + outboxRows(customerId, true) + ", due jobs "
                + journeyJobs(customerId, true);
    }

    private boolean isSettled(String customerId) {
        long pendingEvents = jdbc.sql("select count(*) from sf_event where customer_id = ? and status = 'PENDING'")
                .param(customerId).query(Long.class).single();
        long pendingMail = jdbc.sql("select count(*) from sf_outbox where customer_id = ? and status in ('PENDING', 'SENDING')")
                .param(customerId).query(Long.class).single();
        long dueJobs = runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(customerId).list().stream()
                .map(ProcessInstance::getId)
                .mapToLong(id -> managementService.createJobQuery().processInstanceId(id).executable().count())
                .sum();
        return pendingEvents == 0 && pendingMail == 0 && dueJobs == 0;
    }
}
