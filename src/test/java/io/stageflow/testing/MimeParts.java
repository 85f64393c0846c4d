package io.stageflow.testing;

import java.io.IOException;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/** Reads the parts of a received {@code multipart/alternative} message. */
public record MimeParts(String contentType, String text, String html) {

    public static MimeParts of(MimeMessage message) {
        try {
            if (!(message.getContent() instanceof MimeMultipart multipart)) {
                return new MimeParts(message.getContentType(), null, null);
            }
            String text = null;
            String html = null;
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    text = (String) part.getContent();
                } else if (part.isMimeType("text/html")) {
                    html = (String) part.getContent();
                }
            }
            return new MimeParts(message.getContentType(), text, html);
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException("Unreadable message", e);
        }
    }
}
