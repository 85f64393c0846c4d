package io.stageflow.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.delivery.EmailRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.MimeParts;
import io.stageflow.testing.StageflowClient.Response;
import io.stageflow.testing.StageflowClient;
import io.stageflow.testing.TestMailServer;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** One-click unsubscribe (RFC 8058) stops every journey's marketing email to the address, and nothing else. */
class UnsubscribeTest extends IntegrationTest {

    @Autowired
    Outbox outbox;

    @Test
    void marketingEmailCarriesTheListHeadersAVisibleLinkAndATextPart() throws Exception {
        String id = customerId();
        client().signUp(id, id + "@example.com", "Hedy");

        MimeMessage welcome = awaitMail(id + "@example.com", 1).get(0);

        String token = unsubscribeUrl(welcome).substring(unsubscribeUrl(welcome).lastIndexOf('/') + 1);
        assertThat(welcome.getHeader("List-Unsubscribe", null)).matches("<https://stageflow\\.test/u/[A-Za-z0-9_.-]+>, <mailto:.*>")
                .isEqualTo("<https://stageflow.test/u/" + token + ">, <mailto:" + TestMailServer.UNSUBSCRIBE_MAILBOX
                        + "?subject=unsubscribe%20" + token + ">");
        assertThat(welcome.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(welcome.getMessageID()).matches("<sf\\.\\d+\\.[0-9a-f]{16}@[a-z0-9.-]+>");
        MimeParts parts = MimeParts.of(welcome);
        assertThat(parts.text()).contains(unsubscribeUrl(welcome));
        assertThat(parts.html()).contains("href=\"" + unsubscribeUrl(welcome) + "\"");
        assertThat(unsubscribeUrl(welcome)).doesNotContain(id).doesNotContain("example.com");
    }

    @Test
    void aOneClickUnsubscribeWhileWaitingInWelcomeSuppressesTheReminderButNotTransactionalEmail() throws Exception {
        String id = customerId();
        String email = id + "@example.com";
        client().signUp(id, email, "Ada");
        MimeMessage welcome = awaitMail(email, 1).get(0);
        awaitSettled(id);

        Response unsubscribed = oneClick(unsubscribeUrl(welcome));
        advanceClock(Duration.ofDays(3).plusMinutes(1));

        assertThat(unsubscribed.status()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> "SUPPRESSED".equals(outboxStatus(id, "welcome-reminder")));
        assertThat(jdbc.sql("select last_error from sf_outbox where customer_id = ? and template_key = 'welcome-reminder'")
                .param(id).query(String.class).single()).contains("unsubscribed");
        JsonNode log = client().get("/api/v1/customers/" + id + "/messages").expectStatus(200).json();
        assertThat(log.get(0).path("template").asText()).isEqualTo("welcome-reminder");
        assertThat(log.get(0).path("status").asText()).isEqualTo("suppressed");
        assertThat(log.get(0).path("reason").asText()).isEqualTo("The address is suppressed: unsubscribed");
        assertThat(log.get(0).path("step").asText()).isEqualTo("SendReminderEmail");
        assertThat(log.get(1).path("status").asText()).isEqualTo("sent");
        assertThat(log.get(1).path("recipient").asText()).isEqualTo(email);
        outbox.enqueue(new EmailRequest("receipt:" + id, id, "welcome", EmailCategory.TRANSACTIONAL, null, null, "Receipt"));
        awaitMail(email, 2);
        awaitSettled(id);
        assertThat(mailTo(email)).hasSize(2);
        assertThat(mailTo(email).get(1).getHeader("List-Unsubscribe")).as("transactional mail has no list headers").isNull();
    }

    @Test
    void openingTheLinkOnlyAsksAndAForgedLinkDoesNothing() throws Exception {
        String id = customerId();
        String email = id + "@example.com";
        client().signUp(id, email, "Grace");
        String url = unsubscribeUrl(awaitMail(email, 1).get(0));
        StageflowClient browser = client(null, null);

        Response page = browser.get(URI.create(url).getPath());
        String token = url.substring(url.lastIndexOf('/') + 1);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        Response forgery = oneClick("https://stageflow.test/u/" + forged);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<form method=\"post\">");
        assertThat(forgery.status()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from sf_suppression where reason = 'UNSUBSCRIBED' and email_hash = ?")
                .param(Suppressions.hash(email)).query(Long.class).single()).isZero();
    }

    @Test
    void thePreferencePageLetsTheRecipientLeaveAndRejoinMarketingButNeverUndoesABounce() throws Exception {
        String id = customerId();
        String email = id + "@example.com";
        client().signUp(id, email, "Lise");
        String url = unsubscribeUrl(awaitMail(email, 1).get(0));
        String preferences = URI.create(url).getPath() + "/preferences";
        StageflowClient browser = client(null, null);

        Response confirmation = browser.get(URI.create(url).getPath());
        Response initially = browser.get(preferences);
        Response optedOut = choose(preferences, "");
        String reasonAfterOptOut = suppression(email);
        Response optedIn = choose(preferences, "marketing=yes");
        String reasonAfterOptIn = suppression(email);

        assertThat(confirmation.body()).contains("href=\"" + url.substring(url.lastIndexOf('/') + 1) + "/preferences\"");
        assertThat(initially.status()).isEqualTo(200);
        assertThat(initially.body()).contains("name=\"marketing\" value=\"yes\" checked")
                .contains("Transactional email");
        assertThat(optedOut.body()).contains("Your choice is saved").contains("value=\"yes\">")
                .doesNotContain("value=\"yes\" checked");
        assertThat(reasonAfterOptOut).isEqualTo("UNSUBSCRIBED");
        assertThat(optedIn.body()).contains("value=\"yes\" checked");
        assertThat(reasonAfterOptIn).isNull();

        jdbc.sql("insert into sf_suppression (email_hash, reason, created_at) values (?, 'BOUNCED', current_timestamp)")
                .param(Suppressions.hash(email)).update();
        Response afterBounce = choose(preferences, "marketing=yes");
        assertThat(suppression(email)).isEqualTo("BOUNCED");
        assertThat(afterBounce.body()).contains("could not be delivered").doesNotContain("<form");
    }

    private Response choose(String path, String form) {
        return client(null, null).send(HttpRequest.newBuilder(client().uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), false);
    }

    private String suppression(String email) {
        return jdbc.sql("select reason from sf_suppression where email_hash = ?").param(Suppressions.hash(email))
                .query(String.class).optional().orElse(null);
    }

    @Test
    void mailToTheMailtoAddressUnsubscribesOnlyWithAGenuineToken() throws Exception {
        String id = customerId();
        String email = id + "@example.com";
        String other = customerId() + "@example.com";
        client().signUp(id, email, "Mary");
        String header = awaitMail(email, 1).get(0).getHeader("List-Unsubscribe", null);
        String subject = URLDecoder.decode(header.substring(header.indexOf("?subject=") + 9, header.lastIndexOf('>')),
                StandardCharsets.UTF_8);
        String forged = subject.substring(0, subject.length() - 4) + "AAAA";

        TestMailServer.send(other, TestMailServer.UNSUBSCRIBE_MAILBOX, forged);
        TestMailServer.send(email, TestMailServer.UNSUBSCRIBE_MAILBOX, "Re: " + subject);

        await().atMost(PATIENCE).until(() -> "UNSUBSCRIBED".equals(suppression(email)));
        await().atMost(PATIENCE).until(() -> TestMailServer.unsubscribeMailboxSize() == 0);
        assertThat(subject).startsWith("unsubscribe ");
        assertThat(jdbc.sql("select count(*) from sf_suppression").query(Long.class).single())
                .as("the forged token unsubscribed nobody").isEqualTo(jdbc.sql(
                        "select count(*) from sf_suppression where email_hash <> ?").param(Suppressions.hash(email))
                        .query(Long.class).single() + 1);
    }

    @Test
    void theFootersPreferencesLinkOpensThePreferencePage() throws Exception {
        String id = customerId();
        client().signUp(id, id + "@example.com", "Ada");
        MimeMessage welcome = awaitMail(id + "@example.com", 1).get(0);
        String text = MimeParts.of(welcome).text();
        String preferences = text.substring(text.indexOf("Email preferences: ") + "Email preferences: ".length())
                .lines().findFirst().orElseThrow().strip();

        Response page = client(null, null).get(URI.create(preferences).getPath());

        assertThat(preferences).isEqualTo(unsubscribeUrl(welcome) + "/preferences");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"marketing\" value=\"yes\" checked");
        assertThat(client(null, null).get("/u/forged.token.x/preferences").status()).isEqualTo(404);
    }

    /** What a mail client sends for RFC 8058 one-click: a form POST, no cookies, no credentials. */
    private Response oneClick(String url) {
        return client(null, null).send(HttpRequest.newBuilder(client().uri(URI.create(url).getPath()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")), false);
    }

    private static String unsubscribeUrl(MimeMessage message) throws Exception {
        String header = message.getHeader("List-Unsubscribe", null);
        return header.substring(header.indexOf('<') + 1, header.indexOf('>'));
    }

    private String outboxStatus(String customerId, String template) {
        return jdbc.sql("select status from sf_outbox where customer_id = ? and template_key = ?")
                .params(customerId, template).query(String.class).optional().orElse(null);
    }

    private static String customerId() {
        return "c-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
