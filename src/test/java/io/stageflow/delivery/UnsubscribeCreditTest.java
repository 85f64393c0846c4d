package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.support.Tallies;
import io.stageflow.testing.IntegrationTest;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An unsubscribe by the one-click link of the welcome email's List-Unsubscribe header is credited to that email:
 * one {@code email_unsubscribed} event for the customer, naming the email, and one {@code unsubscribed} in the message
 * report for the welcome template and its step, however often the link is used.
 */
class UnsubscribeCreditTest extends IntegrationTest {

    private static final Pattern ONE_CLICK = Pattern.compile("<https://stageflow\\.test(/u/[^>]+)>");

    @Autowired
    Tallies tallies;

    @Test
    void theUnsubscribeIsCreditedToTheEmailItCameFromOnce() throws Exception {
        ClockUtil.setCurrentTime(Date.from(Instant.parse("2038-07-01T10:00:00Z"))); // no other test sends that day
        String id = "unsub-" + UUID.randomUUID().toString().substring(0, 8);
        client().signUp(id, id + "@example.com", "Ada");
        MimeMessage welcome = awaitMail(id + "@example.com", 1).get(0);
        awaitSettled(id);
        Matcher link = ONE_CLICK.matcher(welcome.getHeader("List-Unsubscribe", ","));
        assertThat(link.find()).as("the one-click link").isTrue();

        for (int i = 0; i < 2; i++) {
            assertThat(client().send(HttpRequest.newBuilder(client().uri(link.group(1)))
                    .POST(HttpRequest.BodyPublishers.noBody()), false).status()).isEqualTo(200);
        }
        awaitSettled(id);

        long outboxId = jdbc.sql("select id from sf_outbox where customer_id = ?").param(id).query(Long.class).single();
        assertThat(jdbc.sql("select message_id from sf_event where customer_id = ? and type = 'email_unsubscribed'")
                .param(id).query(String.class).list()).containsExactly("email-unsubscribed-" + outboxId);
        tallies.foldAll();
        JsonNode totals = welcomeStepTotals(client().get(
                "/api/v1/analytics/messages?from=2038-07-01&to=2038-07-01&template=welcome").expectStatus(200).json());
        assertThat(totals.path("unsubscribed").asLong()).isEqualTo(1);
        assertThat(totals.path("sent").asLong()).isEqualTo(1);
    }
}
