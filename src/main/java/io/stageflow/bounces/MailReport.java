package io.stageflow.bounces;

/**
 * One report about one recipient of an email Stageflow sent: a hard or soft bounce or a spam complaint, from a
 * delivery status notification, a feedback-loop report or a provider's webhook, with whatever names the email.
 *
 * @param kind       what happened
 * @param source     where the report came from ({@code dsn}, {@code arf}, {@code ses}, {@code sendgrid}, …)
 * @param recipient  the recipient's address, when the report gives it
 * @param returnPath the envelope sender the report came back to, when known
 * @param messageId  the email's Message-ID, when the report gives it
 * @param detail     the status and diagnostic, for the message log
 */
record MailReport(Kind kind, String source, String recipient, String returnPath, String messageId, String detail) {

    enum Kind {
        /** The address does not exist or refuses mail for good. */
        HARD_BOUNCE,
        /** Not delivered this time: a full mailbox, a message that expired in a queue. */
        SOFT_BOUNCE,
        /** The recipient marked the email as spam. */
        COMPLAINT
    }
}
