package io.stageflow.surveys;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.delivery.Outbox;
import io.stageflow.events.IncomingEvent;
import io.stageflow.events.ObservedEvents;
import io.stageflow.templates.RecipientTexts;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

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
    private final RecipientTexts texts;

    SurveyController(SurveyLinks links, Outbox outbox, CustomerService customers, ObservedEvents events,
            RecipientTexts texts) {
        this.links = links;
        this.outbox = outbox;
        this.customers = customers;
        this.events = events;
        this.texts = texts;
    }

    @GetMapping("{token}")
    ResponseEntity<String> ask(@PathVariable String token, @RequestParam(required = false) Integer score,
            @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        Optional<Outbox.QueuedEmail> email = askingEmail(token);
        RecipientTexts.Texts words = textsFor(email, acceptLanguage);
        if (email.isEmpty()) {
            return invalidLink(words);
        }
        StringBuilder scores = new StringBuilder("<p class=\"scores\">");
        for (int value = 0; value <= 10; value++) {
            scores.append("<label><input type=\"radio\" name=\"score\" value=\"").append(value).append('"')
                    .append(score != null && score == value ? " checked" : "").append(" required> ")
                    .append(value).append("</label>");
        }
        scores.append("</p>");
        return words.page(HttpStatus.OK, "survey.question", """
                <form method="post">
                %s
                <p class="small">%s</p>
                <p><label>%s<br>
                <textarea name="comment" maxlength="%d"></textarea></label></p>
                <button type="submit">%s</button>
                </form>""".formatted(scores, words.html("survey.scale"), words.html("survey.comment"), MAX_COMMENT,
                words.html("survey.send")));
    }

    @PostMapping("{token}")
    ResponseEntity<String> answer(@PathVariable String token, @RequestParam(required = false) Integer score,
            @RequestParam(required = false) String comment,
            @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        Optional<Outbox.QueuedEmail> email = askingEmail(token);
        RecipientTexts.Texts words = textsFor(email, acceptLanguage);
        if (email.isEmpty()) {
            return invalidLink(words);
        }
        if (score == null || score < 0 || score > 10) {
            return words.page(HttpStatus.BAD_REQUEST, "survey.score.missing.title",
                    "<p>" + words.html("survey.score.missing") + "</p>");
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
                return words.page(HttpStatus.OK, "survey.repeated.title",
                        "<p>" + words.html("survey.repeated") + "</p>");
            }
        }
        return words.page(HttpStatus.OK, "survey.thanks.title", "<p>" + words.html("survey.thanks") + "</p>");
    }

    /** The words in the language of the customer asked; for a forged link or a customer gone, the browser's. */
    private RecipientTexts.Texts textsFor(Optional<Outbox.QueuedEmail> email, String acceptLanguage) {
        Locale customer = email.flatMap(asked -> customers.find(asked.customerId()))
                .filter(known -> known.locale() != null && !known.locale().isBlank())
                .map(Customer::preferredLocale).orElse(null);
        return texts.forRecipient(customer, acceptLanguage);
    }


    /** The email whose link this is; a token for an email that no longer exists is no better than a forged one. */
    private Optional<Outbox.QueuedEmail> askingEmail(String token) {
        return links.outboxIdOf(token).flatMap(outbox::find);
    }

    private static ResponseEntity<String> invalidLink(RecipientTexts.Texts words) {
        return words.page(HttpStatus.NOT_FOUND, "link.invalid.title", "<p>" + words.html("survey.invalid") + "</p>");
    }
}
