package io.stageflow.surveys;

import java.util.Map;
import java.util.Optional;

import io.stageflow.security.LinkSigner;
import io.stageflow.templates.TemplateLinks;
import io.stageflow.web.WebProperties;

import org.springframework.stereotype.Component;

/**
 * Survey answer links ({@code $links.survey}, to which a template appends {@code ?score=N}). A token names the
 * email it came in (its outbox row, signed by {@link LinkSigner}), so an answer is attributed to the customer,
 * the journey and the step that asked, and nothing in the link can be changed to answer for someone else.
 */
@Component
class SurveyLinks implements TemplateLinks {

    static final String PATH = "/s/";
    private static final String PREFIX = "s";

    private final LinkSigner signer;
    private final String baseUrl;

    SurveyLinks(LinkSigner signer, WebProperties web) {
        this.signer = signer;
        this.baseUrl = web.baseUrl();
    }

    /** {@code $links.survey}: the email's own answer link, or a placeholder for a preview or test send. */
    @Override
    public Map<String, String> links(String address, Long outboxId) {
        return Map.of("survey", outboxId == null ? placeholderUrl() : urlFor(outboxId));
    }

    @Override
    public Map<String, String> samples() {
        return Map.of("survey", placeholderUrl());
    }

    /** The survey link of the email in this outbox row. */
    String urlFor(long outboxId) {
        return baseUrl + PATH + signer.sign(PREFIX + Long.toString(outboxId, 36));
    }

    /** A link that shows what a survey link looks like, for previews and validation; it answers nothing. */
    String placeholderUrl() {
        return baseUrl + PATH + "preview";
    }

    /** The outbox row the token was made for, if the token is genuine. */
    Optional<Long> outboxIdOf(String token) {
        return signer.verify(token).filter(payload -> payload.startsWith(PREFIX)).flatMap(payload -> {
            try {
                return Optional.of(Long.parseLong(payload.substring(PREFIX.length()), 36));
            } catch (NumberFormatException malformed) {
                return Optional.empty();
            }
        });
    }
}
