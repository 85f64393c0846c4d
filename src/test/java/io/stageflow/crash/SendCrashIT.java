package io.stageflow.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.util.GreenMail;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Never twice, even after a crash (issue 14): customers sign up, the welcome journey queues one welcome email each,
 * and the jar is killed with SIGKILL while the dispatcher is delivering them. After a restart and once every email
 * has come to an end, each recipient's mailbox is counted (the {@code To:} headers), against the message log.
 * <ul>
 * <li>File outbox: the kill falls as the outbox starts to write a file, when a third of the emails are written.
 * There is no ambiguous moment, so exactly one email each, and every row {@code sent}.</li>
 * <li>SMTP to GreenMail, through {@link SmtpTap}: one kill while a transaction waits for the reply to
 * {@code RCPT TO}, before {@code DATA}: that message was never handed over, so it must be delivered after the
 * restart, once. One kill while a transaction waits for the {@code 250} after its message: the server has it, the
 * process never knew, the one ambiguous case, handled by {@code stageflow.delivery.dispatcher.on-ambiguous-delivery}
 * (the dispatcher's other lanes go on meanwhile, so each kill may also catch one email of each inside its window):
 * {@code flag} (the default) never resends and shows the row as {@code outcome_unknown} in the message log;
 * {@code resend} sends it once more with the same Message-ID. {@code -Dstageflow.test.crash.on-ambiguous-delivery=resend}
 * checks the second.</li>
 * </ul>
 */
@ExtendWith(PrintLogsOnFailure.class)
class SendCrashIT implements PrintLogsOnFailure.RunsTheJar {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.test.crash.customers", 200);
    private static final Duration SETTLE_PATIENCE = Duration.ofSeconds(90);
    /** The dispatcher's delivery lanes, as the jar runs by default: each has an SMTP window of its own. */
    private static final int LANES = 4;

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
    void fileOutboxWritesEachWelcomeEmailExactlyOnceAcrossKill9() throws Exception {
        app = StageflowProcess.prepare("send-file", database, Map.of("stageflow.delivery.transport", "file"));
        app.start();
        List<String> customers = CrashCustomers.ids("file", CUSTOMERS);
        CrashCustomers.create(app.admin(), customers);
        CrashCustomers.signUp(app.admin(), customers);
        Path outbox = app.workDir().resolve("var/outbox");
        await("a third of the welcome emails written").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> Deliveries.emlFileCount(outbox) >= CUSTOMERS / 3);
        killAsTheNextFileIsCreated(outbox);
        int beforeKill = Deliveries.emlFileCount(outbox);
        app.start();

        Map<String, List<String>> statuses = WelcomeEmails.awaitSettled(app.admin(), customers, SETTLE_PATIENCE);
        Deliveries files = Deliveries.inOutboxFolder(outbox);
        Tally tally = new Tally(customers, files, statuses);
        System.out.printf("CRASH send-file %s: customers=%d files-before-kill=%d exactly-once=%d duplicates=%d missing=%d"
                        + " message-log=%s%n", database.label(), CUSTOMERS, beforeKill, tally.exactlyOnce(),
                tally.duplicates.size(), tally.missing.size(), WelcomeEmails.tally(statuses));

        assertThat(beforeKill).as("emails written when killed: the kill must fall while they are written").isLessThan(CUSTOMERS);
        assertThat(tally.unsettled).as("welcome emails not come to an end %s after the restart: %s", SETTLE_PATIENCE,
                tally.statusesOf(tally.unsettled)).isEmpty();
        assertThat(tally.duplicates).as("recipients with more than one welcome email (their Message-IDs)").isEmpty();
        assertThat(tally.missing).as("customers without a welcome email after the restart (of %d; message log: %s)",
                CUSTOMERS, tally.statusesOf(tally.missing)).isEmpty();
        List<String> notSent = customers.stream().filter(id -> !statuses.get(id).equals(List.of("sent"))).toList();
        assertThat(notSent).as("welcome rows not sent in the message log: %s", tally.statusesOf(notSent)).isEmpty();
    }

    /**
     * Kills the process as soon as the outbox folder gets a new file: the dispatcher has claimed a row and is
     * writing its email (today: {@code .writing-*.tmp}, renamed to {@code .eml} when complete), not yet marked sent.
     */
    private void killAsTheNextFileIsCreated(Path outbox) throws IOException, InterruptedException {
        try (WatchService watch = outbox.getFileSystem().newWatchService()) {
            outbox.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            WatchKey created = watch.poll(60, TimeUnit.SECONDS);
            if (created == null) {
                throw new AssertionError("The outbox wrote nothing for 60 s; emails written: " + Deliveries.emlFileCount(outbox));
            }
            app.kill9();
        }
    }

    @Test
    void smtpDeliversEachWelcomeEmailOnceAndFlagsOnlyTheOneInsideTheDataWindow() {
        String policy = System.getProperty("stageflow.test.crash.on-ambiguous-delivery", "flag");
        GreenMail greenMail = CrashMailServer.started();
        try (SmtpTap tap = new SmtpTap(greenMail.getSmtp().getPort())) {
            app = StageflowProcess.prepare("send-smtp", database, StageflowProcess.smtpTo(tap.port(), Map.of(
                    "stageflow.delivery.dispatcher.on-ambiguous-delivery", policy,
                    "stageflow.delivery.dispatcher.connections", Integer.toString(LANES))));
            app.start();
            List<String> customers = CrashCustomers.ids("smtp", CUSTOMERS);
            CrashCustomers.create(app.admin(), customers);
            CrashCustomers.signUp(app.admin(), customers);

            Map<SmtpTap.Hold, String> killedAt = new EnumMap<>(SmtpTap.Hold.class);
            for (SmtpTap.Hold hold : SmtpTap.Hold.values()) {
                int receivedBefore = greenMail.getReceivedMessages().length;
                await("delivery under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                        .until(() -> greenMail.getReceivedMessages().length >= receivedBefore + CUSTOMERS / 5);
                tap.arm(hold);
                SmtpTap.Held held = await("a transaction held " + hold).atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(10)).until(tap::held, Optional::isPresent).orElseThrow();
                app.kill9();
                tap.release();
                killedAt.put(hold, customerOf(customers, held.recipients()));
                app.start();
            }

            Map<String, List<String>> statuses = WelcomeEmails.awaitSettled(app.admin(), customers, SETTLE_PATIENCE);
            Tally tally = new Tally(customers, Deliveries.received(greenMail.getReceivedMessages()), statuses);
            assertSmtpOutcome(policy, tally, killedAt.get(SmtpTap.Hold.BEFORE_DATA), killedAt.get(SmtpTap.Hold.INSIDE_DATA));
        } finally {
            greenMail.stop();
        }
    }

    private void assertSmtpOutcome(String policy, Tally tally, String beforeData, String insideData) {
        System.out.printf("CRASH send-smtp %s: customers=%d kills=2 (before DATA: %s, inside DATA: %s) policy=%s"
                        + " lanes=%d delivered-once=%d duplicates=%d missing=%d outcome_unknown=%d message-log=%s%n",
                database.label(), CUSTOMERS, beforeData, insideData, policy, LANES, tally.exactlyOnce(),
                tally.duplicates.size(), tally.missing.size(), tally.unknown.size(), WelcomeEmails.tally(tally.statuses));

        assertThat(tally.unsettled).as("welcome emails not come to an end %s after the last restart: %s", SETTLE_PATIENCE,
                tally.statusesOf(tally.unsettled)).isEmpty();
        assertThat(tally.statuses.get(beforeData)).as("message log of %s, killed before DATA: never handed over, so it"
                + " is delivered after the restart", beforeData).isEqualTo(List.of("sent"));
        assertThat(tally.emails(beforeData)).as("emails to %s, killed before DATA", beforeData).hasSize(1);
        // The other lanes go on while the tap holds one transaction, so at each kill each lane may be inside its own
        // SMTP window: the documented window is one email per lane and kill.
        List<String> ambiguous = policy.equals("resend") ? List.copyOf(tally.duplicates.keySet()) : tally.unknown;
        assertThat(ambiguous).as("rows inside an SMTP window at a kill: at most one per lane and kill")
                .contains(insideData).hasSizeLessThanOrEqualTo(2 * LANES);
        List<String> unexpected = tally.customers.stream().filter(id -> !ambiguous.contains(id))
                .filter(id -> tally.emails(id).size() != 1 || !tally.statuses.get(id).equals(List.of("sent"))).toList();
        assertThat(unexpected).as("customers, other than those inside an SMTP window at a kill, without exactly one"
                + " email and a sent row: %s", tally.statusesOf(unexpected)).isEmpty();
        if (policy.equals("resend")) {
            assertThat(tally.emails(insideData)).as("emails to %s, killed inside DATA, resent once", insideData)
                    .hasSize(2).containsOnly(tally.emails(insideData).get(0));
            tally.duplicates.forEach((id, emails) -> assertThat(emails).as("emails to %s, resent once with the same"
                    + " Message-ID", id).hasSize(2).containsOnly(emails.get(0)));
            assertThat(ambiguous.stream().map(tally.statuses::get).distinct().toList()).as("their message log")
                    .containsExactly(List.of("sent"));
            assertThat(tally.missing).as("customers without a welcome email").isEmpty();
        } else {
            assertThat(tally.emails(insideData)).as("emails to %s, killed inside DATA (the server had it): not resent",
                    insideData).hasSize(1);
            assertThat(tally.duplicates).as("recipients with more than one welcome email: none is ever resent")
                    .isEmpty();
            assertThat(ambiguous.stream().map(tally.statuses::get).distinct().toList())
                    .as("message log of the rows inside an SMTP window").containsExactly(List.of("outcome_unknown"));
            assertThat(tally.unknown).as("every customer without a welcome email has an outcome_unknown row")
                    .containsAll(tally.missing);
        }
    }

    private static String customerOf(List<String> customers, List<String> recipients) {
        return customers.stream().filter(id -> recipients.contains(CrashCustomers.email(id))).findFirst()
                .orElseThrow(() -> new AssertionError("Held a transaction to no customer of this test: " + recipients));
    }

    /** Per customer: the emails their mailbox got and the message log's statuses, and what stands out. */
    private static final class Tally {

        final List<String> customers;
        final Deliveries mailboxes;
        final Map<String, List<String>> statuses;
        final List<String> missing;
        final Map<String, List<String>> duplicates = new LinkedHashMap<>();
        final List<String> unknown;
        final List<String> unsettled;

        Tally(List<String> customers, Deliveries mailboxes, Map<String, List<String>> statuses) {
            this.customers = customers;
            this.mailboxes = mailboxes;
            this.statuses = statuses;
            missing = customers.stream().filter(id -> emails(id).isEmpty()).toList();
            customers.stream().filter(id -> emails(id).size() > 1).forEach(id -> duplicates.put(id, emails(id)));
            unknown = customers.stream().filter(id -> statuses.get(id).contains("outcome_unknown")).toList();
            unsettled = customers.stream().filter(id -> !WelcomeEmails.settled(statuses.get(id))).toList();
        }

        /** The Message-IDs of the emails this customer got. */
        List<String> emails(String customerId) {
            return mailboxes.to(CrashCustomers.email(customerId));
        }

        int exactlyOnce() {
            return (int) customers.stream().filter(id -> emails(id).size() == 1).count();
        }

        /** The message log of up to 10 of these customers, for a failure message. */
        Map<String, List<String>> statusesOf(List<String> some) {
            Map<String, List<String>> shown = new LinkedHashMap<>();
            some.stream().limit(10).forEach(id -> shown.put(id, statuses.get(id)));
            return shown;
        }
    }
}
