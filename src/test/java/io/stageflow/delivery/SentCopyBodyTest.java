package io.stageflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A sent copy's deflated body gives back its HTML and text exactly, and is a fraction of their size. */
class SentCopyBodyTest {

    @Test
    void theHtmlAndTextComeBackAsTheyWere() {
        String html = "<p>Hallo Jürgen, 你好 🎉</p>\n<p>\u0000 and a line\r\n</p>";
        String text = "Hallo Jürgen\n\n— Stageflow";

        String[] parts = SentCopyBody.unpack(SentCopyBody.pack(html, text));

        assertThat(parts).containsExactly(html, text);
        assertThat(SentCopyBody.unpack(SentCopyBody.pack(html, null))).containsExactly(html, null);
        assertThat(SentCopyBody.unpack(SentCopyBody.pack("", ""))).containsExactly("", "");
    }

    @Test
    void aMarketingEmailsMarkupShrinks() {
        StringBuilder html = new StringBuilder("<html><body><table width=\"100%\" cellpadding=\"0\">");
        for (int i = 0; i < 40; i++) {
            html.append("<tr><td style=\"font-family:Arial,sans-serif;font-size:16px;color:#333333;padding:8px\">")
                    .append("Product ").append(i).append(" at ").append(10 + i).append(".99 EUR</td></tr>");
        }
        html.append("</table></body></html>");

        byte[] packed = SentCopyBody.pack(html.toString(), "Product list");

        assertThat(packed.length).isLessThan(html.length() / 4);
    }
}
