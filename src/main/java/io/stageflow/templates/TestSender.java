package io.stageflow.templates;

/**
 * Mails a template's preview once to a test address, for the Test send on a template's console page. Implemented
 * by delivery, which sends email; an interface here because templates may not use delivery (delivery uses
 * templates), as with {@link TemplateLinks}.
 */
public interface TestSender {

    /**
     * Mails {@code preview} (rendered for the test address, {@link TemplatePreviews#previewForTestSend}) to
     * {@code to} at once; returns the message's Message-ID.
     *
     * @throws NotSentException when the mail server refused the email or could not be reached
     */
    String send(String templateKey, TemplatePreview preview, String to);

    /** The test email was not sent; the message says why, without the address (mail servers like to quote it). */
    class NotSentException extends RuntimeException {

        public NotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
