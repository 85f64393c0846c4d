package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Never twice, even after a crash (issue 14): customers sign up, the welcome journey queues one welcome email each,
 * and the jar is killed with SIGKILL while the dispatcher is delivering them. After a restart and once every email
 * has come to an end, each recipient's mailbox is counted. The file outbox has no ambiguous moment, so exactly one
 * email each. Over SMTP, the only ambiguous moment is between {@code DATA} and the commit of the row: a row whose
 * message was not handed over before the kill must still be delivered once, and a row killed inside that window
 * follows {@code stageflow.messaging.dispatcher.on-ambiguous-delivery} ({@code flag}, the default: never resent,
 * {@code outcome_unknown} in the message log; {@code resend}: sent once more with the same Message-ID), at most
 * one such row per kill. {@code -Dstageflow.test.crash.on-ambiguous-delivery=resend} checks the other policy.
 */
@ExtendWith(PrintLogsOnFailure.class)
class SendCrashIT implements PrintLogsOnFailure.RunsTheJar {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.test.crash.customers", 300);
    private static final int SMTP_KILLS = 2;
    private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(90);

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
    void fileOutboxWritesEachWelcomeEmailExactlyOnceAcrossKill9() {
        app = StageflowProcess.prepare("send-file", database, Map.of("stageflow.messaging.transport", "file"));
        app.start();
        List<String> customers = CrashCustomers.ids("file", CUSTOMERS);
        CrashCustomers.create(app.admin(), customers);
        CrashCustomers.signUp(app.admin(), customers);
        Path outbox = app.workDir().resolve("var/outbox");
        await("a third of the welcome emails written").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> Deliveries.emlFileCount(outbox) >= CUSTOMERS / 3);
        app.kill9();
        int beforeKill = Deliveries.emlFileCount(outbox);
        app.start();

        Map<String, List<String>> statuses = WelcomeEmails.awaitSettled(app.admin(), customers, SETTLE_PATIENCE);
        Deliveries files = Deliveries.inOutboxFolder(outbox);
        Map<String, List<String>> duplicates = new LinkedHashMap<>();
        List<String> missing = customers.stream().filter(id -> files.to(CrashCustomers.email(id)).isEmpty()).toList();
        customers.stream().filter(id -> files.to(CrashCustomers.email(id)).size() > 1)
                .forEach(id -> duplicates.put(id, files.to(CrashCustomers.email(id))));
        List<String> notSent = customers.stream().filter(id -> !statuses.get(id).equals(List.of("sent"))).toList();
        System.out.printf("CRASH send-file %s: customers=%d files-before-kill=%d exactly-once=%d duplicates=%d missing=%d"
                        + " message-log=%s%n", database.label(), CUSTOMERS, beforeKill,
                CUSTOMERS - missing.size() - duplicates.size(), duplicates.size(), missing.size(), WelcomeEmails.tally(statuses));

        assertThat(beforeKill).as("emails written when killed: the kill must fall while they are written").isLessThan(CUSTOMERS);
        assertThat(duplicates).as("recipients with more than one welcome email (their Message-IDs)").isEmpty();
        assertThat(missing).as("customers without a welcome email after the restart (of %d; message log: %s)",
                CUSTOMERS, statusesOf(missing, statuses)).isEmpty();
        assertThat(notSent).as("welcome rows not sent in the message log: %s", statusesOf(notSent, statuses)).isEmpty();
    }

    @Test
    void smtpDeliversEachWelcomeEmailOnceExceptAtMostOneInsideTheDataWindowPerKill() {
        String policy = System.getProperty("stageflow.test.crash.on-ambiguous-delivery", "flag");
        GreenMail greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
        try (SmtpTap tap = new SmtpTap(greenMail.getSmtp().getPort())) {
            app = StageflowProcess.prepare("send-smtp", database, Map.of(
                    "stageflow.messaging.transport", "smtp",
                    "spring.mail.host", "127.0.0.1",
                    "spring.mail.port", Integer.toString(tap.port()),
                    "spring.mail.properties.mail.smtp.auth", "false",
                    "spring.mail.properties.mail.smtp.starttls.enable", "false",
                    "stageflow.messaging.dispatcher.on-ambiguous-delivery", policy));
            app.start();
            List<String> customers = CrashCustomers.ids("smtp", CUSTOMERS);
            CrashCustomers.create(app.admin(), customers);
            CrashCustomers.signUp(app.admin(), customers);

            // Per kill, the recipients of the last DATA command before it: the only row that may be ambiguous.
            Set<String> insideDataWindow = new HashSet<>();
            for (int kill = 1; kill <= SMTP_KILLS; kill++) {
                int dataBefore = tap.dataCommands();
                int receivedBefore = greenMail.getReceivedMessages().length;
                await("delivery under way before kill " + kill).atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> greenMail.getReceivedMessages().length >= receivedBefore + CUSTOMERS / 5);
                app.kill9();
                tap.lastDataAfter(dataBefore).ifPresent(data -> insideDataWindow.addAll(data.recipients()));
                app.start();
            }

            Map<String, List<String>> statuses = WelcomeEmails.awaitSettled(app.admin(), customers, SETTLE_PATIENCE);
            Deliveries mailboxes = Deliveries.received(greenMail.getReceivedMessages());
            assertSmtpOutcome(policy, customers, statuses, mailboxes, insideDataWindow);
        } finally {
            greenMail.stop();
        }
    }

    private void assertSmtpOutcome(String policy, List<String> customers, Map<String, List<String>> statuses,
            Deliveries mailboxes, Set<String> insideDataWindow) {
        List<String> missing = customers.stream().filter(id -> mailboxes.to(CrashCustomers.email(id)).isEmpty()).toList();
        Map<String, List<String>> duplicates = new LinkedHashMap<>();
        customers.stream().filter(id -> mailboxes.to(CrashCustomers.email(id)).size() > 1)
                .forEach(id -> duplicates.put(id, mailboxes.to(CrashCustomers.email(id))));
        List<String> unknown = customers.stream().filter(id -> statuses.get(id).contains("outcome_unknown")).toList();
        List<String> unknownBeforeData = unknown.stream()
                .filter(id -> !insideDataWindow.contains(CrashCustomers.email(id))).toList();
        List<String> unsettled = customers.stream().filter(id -> !WelcomeEmails.settled(statuses.get(id))).toList();
        List<String> otherwise = customers.stream()
                .filter(id -> !List.of("sent").equals(statuses.get(id)) && !List.of("outcome_unknown").equals(statuses.get(id)))
                .toList();
        System.out.printf("CRASH send-smtp %s: customers=%d kills=%d policy=%s delivered-once=%d duplicates=%d missing=%d"
                        + " outcome_unknown=%d (before DATA: %d) message-log=%s%n", database.label(), CUSTOMERS, SMTP_KILLS,
                policy, CUSTOMERS - missing.size() - duplicates.size(), duplicates.size(), missing.size(), unknown.size(),
                unknownBeforeData.size(), WelcomeEmails.tally(statuses));

        assertThat(unsettled).as("welcome emails not come to an end %s after the last restart: %s", SETTLE_PATIENCE,
                statusesOf(unsettled, statuses)).isEmpty();
        assertThat(unknownBeforeData).as("rows written off as outcome_unknown although their DATA had not been sent when"
                + " the process was killed: they must be delivered after the restart").isEmpty();
        assertThat(unknown.size()).as("outcome_unknown rows (at most one per kill)").isLessThanOrEqualTo(SMTP_KILLS);
        assertThat(otherwise).as("welcome rows neither sent nor outcome_unknown: %s", statusesOf(otherwise, statuses)).isEmpty();
        if (policy.equals("resend")) {
            assertThat(missing).as("customers without a welcome email under the resend policy").isEmpty();
            assertThat(duplicates.keySet()).as("duplicates only for a row inside the DATA window at a kill")
                    .allMatch(id -> insideDataWindow.contains(CrashCustomers.email(id)));
            assertThat(duplicates.values()).as("a resent email carries the same Message-ID")
                    .allMatch(ids -> ids.size() == 2 && ids.get(0).equals(ids.get(1)));
        } else {
            assertThat(duplicates).as("recipients with more than one welcome email (their Message-IDs)").isEmpty();
            assertThat(unknown).as("every customer without a welcome email has an outcome_unknown row in the message log")
                    .containsAll(missing);
        }
    }

    private static Map<String, List<String>> statusesOf(List<String> customers, Map<String, List<String>> statuses) {
        Map<String, List<String>> some = new LinkedHashMap<>();
        customers.stream().limit(10).forEach(id -> some.put(id, statuses.get(id)));
        return some;
    }
}
