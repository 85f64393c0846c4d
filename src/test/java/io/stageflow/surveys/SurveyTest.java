package io.stageflow.surveys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.delivery.EmailRequest;
import io.stageflow.delivery.Outbox;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A survey link records one answer, from the person who got the email, and only when they send it. */
class SurveyTest extends IntegrationTest {

    @Autowired
    Outbox outbox;

    @Autowired
    SurveyLinks surveyLinks;

    @Test
    void openingAScoreLinkOnlyAsksSendingRecordsOneSurveyAnsweredEventForTheCustomer() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        outbox.enqueue(new EmailRequest("survey:" + id, id, "welcome", EmailCategory.MARKETING, "onboarding", null,
                "SendSurvey"));
        long emailId = jdbc.sql("select id from sf_outbox where customer_id = ?").param(id).query(Long.class).single();
        String path = URI.create(surveyLinks.urlFor(emailId)).getPath();

        Response opened = client(null, null).get(path + "?score=3");
        long eventsAfterOpening = surveyEvents(id);
        Response sent = answer(path, "score=3&comment=Too+slow+delivery");
        Response again = answer(path, "score=9");

        assertThat(opened.status()).isEqualTo(200);
        assertThat(opened.body()).contains("value=\"3\" checked").contains("<form method=\"post\">");
        assertThat(eventsAfterOpening).as("opening a link records nothing: scanners open links").isZero();
        assertThat(sent.status()).isEqualTo(200);
        assertThat(sent.body()).contains("Thank you");
        assertThat(again.body()).contains("already have your answer");
        await().atMost(PATIENCE).until(() -> client().get("/api/v1/events/survey-" + emailId).status() == 200);
        JsonNode event = client().get("/api/v1/events/survey-" + emailId).json();
        assertThat(event.path("type").asText()).isEqualTo("survey_answered");
        assertThat(event.path("customerId").asText()).isEqualTo(id);
        assertThat(surveyEvents(id)).isEqualTo(1);
        assertThat(jdbc.sql("select properties from sf_event where customer_id = ? and type = 'survey_answered'")
                .param(id).query(String.class).single())
                .contains("\"score\":3").contains("\"survey\":\"welcome\"").contains("\"journey\":\"onboarding\"")
                .contains("\"step\":\"SendSurvey\"").contains("Too slow delivery");
    }

    @Test
    void aGermanCustomersSurveyIsGerman() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\",\"locale\":\"de-DE\"}").expectStatus(201);
        outbox.enqueue(new EmailRequest("survey:" + id, id, "welcome", EmailCategory.MARKETING, "onboarding", null,
                "SendSurvey"));
        long emailId = jdbc.sql("select id from sf_outbox where customer_id = ?").param(id).query(Long.class).single();
        String path = URI.create(surveyLinks.urlFor(emailId)).getPath();

        Response asked = client(null, null).get(path + "?score=8");
        assertThat(asked.body()).contains("<html lang=\"de\">").contains("Wie wahrscheinlich ist es")
                .contains("0: überhaupt nicht wahrscheinlich").contains(">Antwort senden</button>");
        assertThat(answer(path, "comment=ohne+Wert").body()).contains("Bitte wählen Sie einen Wert");
        assertThat(answer(path, "score=8").body()).contains("Vielen Dank!");
        assertThat(answer(path, "score=9").body()).contains("Ihre Antwort liegt uns schon vor");
    }

    @Test
    void aForgedLinkOrAScoreOutOfRangeRecordsNothing() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 12);
        client().putCustomer(id, "{\"email\":\"" + id + "@example.com\"}").expectStatus(201);
        outbox.enqueue(new EmailRequest("survey:" + id, id, "welcome", EmailCategory.MARKETING, null, null, "Ask"));
        long emailId = jdbc.sql("select id from sf_outbox where customer_id = ?").param(id).query(Long.class).single();
        String path = URI.create(surveyLinks.urlFor(emailId)).getPath();
        String forged = path.substring(0, path.lastIndexOf('.') + 1) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        assertThat(answer(forged, "score=5").status()).isEqualTo(404);
        assertThat(client(null, null).get(forged + "?score=5").status()).isEqualTo(404);
        assertThat(answer(path, "score=11").status()).isEqualTo(400);
        assertThat(answer(path, "").status()).isEqualTo(400);
        assertThat(surveyEvents(id)).isZero();
    }

    private Response answer(String path, String form) {
        return client(null, null).send(HttpRequest.newBuilder(client().uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), false);
    }

    private long surveyEvents(String customerId) {
        return jdbc.sql("select count(*) from sf_event where customer_id = ? and type = 'survey_answered'")
                .param(customerId).query(Long.class).single();
    }
}
