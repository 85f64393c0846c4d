package io.stageflow.delivery;

import java.time.Instant;

/**
 * One email as it was sent to a customer, for the console to show: the subject, the HTML and the text, before
 * tracking rewrote the links (opening the copy counts no open and no click).
 *
 * @param templateVersion the version of the template it was rendered from, or null when not known (sent before
 *                        templates had versions)
 */
public record SentCopy(long outboxId, String subject, String html, String text, Instant sentAt,
        Integer templateVersion) {
}
