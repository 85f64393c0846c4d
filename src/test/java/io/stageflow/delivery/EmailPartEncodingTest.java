package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Properties;

import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;

import org.junit.jupiter.api.Test;

/**
 * The composer picks each part's transfer encoding itself, in one pass over the text, and picks what Jakarta Mail
 * would have picked after reading the encoded bytes; the message reads back as the text it was made of.
 */
class EmailPartEncodingTest {

    private static final List<String> SAMPLES = List.of(
            "Hello Ada,\r\nyour cart is waiting.\r\n",
            "<p>" + "x".repeat(1200) + "</p>",
            "Ihr Gutschein: 10 € Rabatt, gültig bis Freitag.",
            "ご注文ありがとうございます。カートに商品が残っています。",
            "A bell\u0007 and a delete\u007f",
            "An emoji 🎉 in a subject-like line",
            "");

    @Test
    void theEncodingIsTheOneJakartaMailChoosesForTheSameText() throws Exception {
        for (String sample : SAMPLES) {
            DataHandler content = new DataHandler(sample, "text/plain; charset=UTF-8");
            assertThat(EmailComposer.transferEncoding(sample)).as("the encoding of %s", sample)
                    .isEqualTo(MimeUtility.getEncoding(content));
        }
        assertThat(EmailComposer.transferEncoding("plain words")).isEqualTo("7bit");
        assertThat(EmailComposer.transferEncoding("10 €")).isEqualTo("quoted-printable");
    }

    @Test
    void aMessageOfSuchPartsKeepsTheirEncodingAndReadsBackAsItsText() throws Exception {
        Session session = Session.getInstance(new Properties());
        for (String sample : SAMPLES) {
            MimeMessage message = new MimeMessage(session);
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(EmailComposer.part(sample, "plain"));
            alternative.addBodyPart(EmailComposer.part("<p>" + sample + "</p>", "html"));
            message.setContent(alternative);
            message.saveChanges();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            message.writeTo(bytes);

            MimeMessage read = new MimeMessage(session, new ByteArrayInputStream(bytes.toByteArray()));
            MimeMultipart parts = (MimeMultipart) read.getContent();
            MimeBodyPart text = (MimeBodyPart) parts.getBodyPart(0);
            MimeBodyPart html = (MimeBodyPart) parts.getBodyPart(1);
            assertThat(text.getEncoding()).isEqualTo(EmailComposer.transferEncoding(sample));
            assertThat(text.getContent()).isEqualTo(sample);
            assertThat(html.getContent()).isEqualTo("<p>" + sample + "</p>");
            assertThat(html.getContentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
        }
    }
}
