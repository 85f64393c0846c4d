package io.stageflow.surveys;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.stageflow.customers.CustomerService;
import io.stageflow.delivery.Outbox;
import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;
import io.stageflow.templates.TemplatesProperties;
import io.stageflow.web.RecipientPage;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.HtmlUtils;

/**
 * Where a survey email's score links lead. Opening a link only shows the score picked, ready to send, because
 * mail scanners open every link in an email; the answer is recorded when the person sends the form, as a
 * {@code survey_answered} event (properties {@code score}, {@code survey}, {@code journey}, {@code step} and an
 * optional {@code comment}) that the journey which asked is waiting for. One answer per email: the first counts.
 */
@Controller
@RequestMapping(SurveyLinks.PATH)
class SurveyController {

    static final String EVENT_TYPE = "survey_answered";
    private static final int MAX_COMMENT = 2000;

    private final SurveyLinks links;
    private final Outbox outbox;
    private final CustomerService customers;
    private final ObservedEvents events;
    private final String brand;

    SurveyController(SurveyLinks links, Outbox outbox, CustomerService customers, ObservedEvents events,
            TemplatesProperties properties) {
        this.links = links;
        this.outbox = outbox;
        this.customers = customers;
        this.events = events;
        this.brand = HtmlUtils.htmlEscape(properties.brand().name());
    }

    @GetMapping("{token}")
    ResponseEntity<String> ask(@PathVariable String token, @RequestParam(required = false) Integer score) {
        if (askingEmail(token).isEmpty()) {
            return invalidLink();
        }
        StringBuilder scores = new StringBuilder("<p class=\"scores\">");
        for (int value = 0; value <= 10; value++) {
            scores.append("<label><input type=\"radio\" name=\"score\" value=\"").append(value).append('"')
                    .append(score != null && score == value ? " checked" : "").append(" required> ")
                    .append(value).append("</label>");
        }
        scores.append("</p>");
        return RecipientPage.of(HttpStatus.OK, "How likely are you to recommend " + brand + "?", """
                <form method="post">
                %s
                <p class="small">0: not at all likely, 10: extremely likely</p>
                <p><label>Anything you would like to tell us? (optional)<br>
                <textarea name="comment" maxlength="%d"></textarea></label></p>
                <button type="submit">Send my answer</button>
                </form>""".formatted(scores, MAX_COMMENT));
    }

    @PostMapping("{token}")
    ResponseEntity<String> answer(@PathVariable String token, @RequestParam(required = false) Integer score,
            @RequestParam(required = false) String comment) {
        Optional<Outbox.QueuedEmail> email = askingEmail(token);
        if (email.isEmpty()) {
            return invalidLink();
        }
        if (score == null || score < 0 || score > 10) {
            return RecipientPage.of(HttpStatus.BAD_REQUEST, "Please pick a score",
                    "<p>Choose a score from 0 to 10, then send your answer.</p>");
        }
        Outbox.QueuedEmail asked = email.get();
        if (customers.find(asked.customerId()).isPresent()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("score", score);
            properties.put("survey", asked.templateKey());
            if (asked.journeyKey() != null) {
                properties.put("journey", asked.journeyKey());
            }
            if (asked.stepId() != null) {
                properties.put("step", asked.stepId());
            }
            if (comment != null && !comment.isBlank()) {
                properties.put("comment", comment.strip().length() > MAX_COMMENT
                        ? comment.strip().substring(0, MAX_COMMENT) : comment.strip());
            }
            if (!events.record(new IncomingEvent("survey-" + asked.id(), EVENT_TYPE, asked.customerId(), null,
                    properties))) {
                return RecipientPage.of(HttpStatus.OK, "We already have your answer",
                        "<p>You answered this survey before. Thank you!</p>");
            }
        }
        return RecipientPage.of(HttpStatus.OK, "Thank you!", "<p>Your answer helps " + brand + " get better.</p>");
    }

    /** The email whose link this is; a token for an email that no longer exists is no better than a forged one. */
    private Optional<Outbox.QueuedEmail> askingEmail(String token) {
        return links.outboxIdOf(token).flatMap(outbox::find);
    }

    private static ResponseEntity<String> invalidLink() {
        return RecipientPage.of(HttpStatus.NOT_FOUND, "Link not valid", "<p>This survey link is not valid.</p>");
    }
}
