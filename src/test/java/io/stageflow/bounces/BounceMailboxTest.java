package io.stageflow.bounces;

import static org.assertj.core.api.Assertions.assertThat;
import static io.stageflow.testing.MailReportMessages.arf;
import static io.stageflow.testing.MailReportMessages.dsn;
import static io.stageflow.testing.MailReportMessages.headersOf;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import io.stageflow.subscriptions.Suppressions;
import io.stageflow.support.Tallies;
import io.stageflow.testing.TestMailServer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Late bounces and complaints in a real IMAP mailbox (GreenMail): each email leaves with its own signed return path
 * (VERP); a delivery status notification (RFC 3464) that comes back to it suppresses the address (hard) or counts
 * against it (soft), and a feedback-loop report (RFC 5965) quoting the email suppresses it for marketing. The email
 * is marked in the message log and gets its event. A report whose return path is forged, or which names an email by
 * its Message-ID but another recipient, or which says the server is still trying, changes nothing.
 */
class BounceMailboxTest extends BounceTestCase {

    @Autowired
    Tallies tallies;

    @Autowired
    Clock clock;

    @Test
    void aDeliveryStatusNotificationToTheReturnPathSuppressesTheAddressAndMarksTheEmail() throws Exception {
        Welcomed welcome = signUpAndReceiveWelcome();
        assertThat(welcome.returnPath()).as("the envelope sender names the email")
                .matches("bounces\\+" + welcome.outboxId() + "-[0-9a-f]{20}@" + TestMailServer.BOUNCE_DOMAIN);

        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(welcome.returnPath(), welcome.address(), "failed",
                "5.1.1", "smtp; 550 5.1.1 <" + welcome.address() + ">: Recipient address rejected: User unknown",
                headersOf(welcome.raw())));
        await().atMost(PATIENCE).until(() -> "BOUNCED".equals(suppression(welcome.address())));
        await().atMost(PATIENCE).until(() -> TestMailServer.bounceMailboxSize() == 0);

        JsonNode entry = logEntry(welcome);
        assertThat(entry.path("status").asText()).isEqualTo("bounced");
        assertThat(entry.path("reason").asText()).startsWith("Hard bounce reported by dsn: 5.1.1")
                .contains("User unknown");
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'email_bounced'")
                .param(welcome.customerId()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aFeedbackLoopReportInTheBounceMailboxIsAComplaint() throws Exception {
        Welcomed welcome = signUpAndReceiveWelcome();
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX,
                arf(TestMailServer.BOUNCE_MAILBOX, "abuse", "message/rfc822", welcome.raw()));
        await().atMost(PATIENCE).until(() -> "COMPLAINED".equals(suppression(welcome.address())));
        await().atMost(PATIENCE).until(() -> jdbc.sql(
                "select count(*) from sf_event where customer_id = ? and type = 'email_complained'")
                .param(welcome.customerId()).query(Long.class).single() == 1);
    }

    @Test
    void aSoftBounceIsCountedAndMarkedButDoesNotSuppressAlone() throws Exception {
        Welcomed welcome = signUpAndReceiveWelcome();
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(welcome.returnPath(), welcome.address(), "failed",
                "4.2.2", "smtp; 452 4.2.2 Mailbox full", headersOf(welcome.raw())));
        await().atMost(PATIENCE).until(() -> "bounced".equals(logEntry(welcome).path("status").asText()));
        assertThat(logEntry(welcome).path("reason").asText()).startsWith("Soft bounce reported by dsn: 4.2.2");
        assertThat(suppression(welcome.address())).as("one soft bounce does not suppress").isNull();
        assertThat(jdbc.sql("select count(*) from sf_soft_bounce where email_hash = ?")
                .param(Suppressions.hash(welcome.address())).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select properties from sf_event where customer_id = ? and type = 'email_bounced'")
                .param(welcome.customerId()).query(String.class).single()).contains("\"bounce\":\"soft\"");

        tallies.foldAll();
        String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        JsonNode report = client().get("/api/v1/analytics/messages?from=" + day + "&to=" + day + "&template=welcome")
                .expectStatus(200).json();
        assertThat(welcomeStepTotals(report).path("softBounced").asLong()).as("in the message report")
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void forgedOrInconclusiveReportsChangeNothing() throws Exception {
        Welcomed welcome = signUpAndReceiveWelcome();
        String forgedReturnPath = welcome.returnPath().replaceFirst("-[0-9a-f]{20}@", "-0123456789abcdef0123@");
        String otherAddress = "someone-else-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        // A forged return path; the right Message-ID with another recipient; a delay notice; no report at all.
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(forgedReturnPath, welcome.address(), "failed",
                "5.1.1", "smtp; 550 no such user", ""));
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(TestMailServer.BOUNCE_MAILBOX, otherAddress,
                "failed", "5.1.1", "smtp; 550 no such user", headersOf(welcome.raw())));
        TestMailServer.sendRaw(TestMailServer.BOUNCE_MAILBOX, dsn(welcome.returnPath(), welcome.address(), "delayed",
                "4.4.1", "smtp; 421 try again later", headersOf(welcome.raw())));
        TestMailServer.send("auto-reply@example.com", TestMailServer.BOUNCE_MAILBOX, "Out of office");
        await().atMost(PATIENCE).until(() -> TestMailServer.bounceMailboxSize() == 0);

        assertThat(suppression(welcome.address())).isNull();
        assertThat(suppression(otherAddress)).isNull();
        assertThat(logEntry(welcome).path("status").asText()).isEqualTo("sent");
        assertThat(jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'email_bounced'")
                .param(welcome.customerId()).query(Long.class).single()).isZero();
    }

    private JsonNode logEntry(Welcomed sent) {
        for (JsonNode entry : client().get("/api/v1/customers/" + sent.customerId() + "/messages").expectStatus(200)
                .json()) {
            if (entry.path("id").asLong() == sent.outboxId()) {
                return entry;
            }
        }
        throw new AssertionError("no message log entry " + sent.outboxId());
    }

}
