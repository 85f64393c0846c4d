package io.stageflow.templates;

/**
 * Mails a template's preview once to a test address, for the console's Test sends (a template's page, a broadcast's
 * form). Implemented by delivery, which sends email; an interface here because templates may not use delivery
 * (delivery uses templates), as with {@link TemplateLinks}.
 */
public interface TestSender {

    /**
     * Mails {@code preview} (rendered for the test address, {@link TemplatePreviews#previewForTestSend}) to
     * {@code to} at once; returns its Message-ID and subject as sent.
     *
     * @throws NotSentException when the mail server refused the email or could not be reached
     */
    Sent send(String templateKey, TemplatePreview preview, String to);

    /** The test email as the mail server took it: the Message-ID to find it by, and its subject. */
    record Sent(String messageId, String subject) {
    }

    /** The test email was not sent; the message says why, without the address (mail servers like to quote it). */
    class NotSentException extends RuntimeException {

        public NotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
