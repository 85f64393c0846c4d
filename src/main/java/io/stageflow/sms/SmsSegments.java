package io.stageflow.sms;

/**
 * How an SMS text travels, and what it costs: providers bill per segment. A text of only GSM-7 characters (the GSM
 * 03.38 basic table, and its extension table, whose characters such as {@code €} and {@code [} take two) fits 160 in
 * one segment and 153 in each part of a longer message; any other character (an emoji, a Cyrillic letter, a curly
 * quote) turns the whole text to UCS-2, 70 in one segment and 67 in each part. {@code characters} counts what the
 * encoding counts: GSM-7 septets, or UTF-16 code units (an emoji takes two).
 */
public record SmsSegments(Encoding encoding, int characters, int segments) {

    /** The encoding a text is sent in. */
    public enum Encoding { GSM_7, UCS_2 }

    /** The GSM 03.38 basic character set (without the escape to the extension table). */
    static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** The GSM 03.38 extension table: each takes two septets (the escape and the character). */
    static final String GSM_EXTENSION = "\f^{}\\[~]|€";

    static final int GSM_SINGLE = 160;
    static final int GSM_PART = 153;
    static final int UCS_SINGLE = 70;
    static final int UCS_PART = 67;

    /** The encoding, length and segments of this text (no text: zero segments). */
    public static SmsSegments of(String text) {
        String body = text == null ? "" : text;
        int septets = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (GSM_BASIC.indexOf(c) >= 0) {
                septets++;
            } else if (GSM_EXTENSION.indexOf(c) >= 0) {
                septets += 2;
            } else {
                int units = body.length();
                return new SmsSegments(Encoding.UCS_2, units, segments(units, UCS_SINGLE, UCS_PART));
            }
        }
        return new SmsSegments(Encoding.GSM_7, septets, segments(septets, GSM_SINGLE, GSM_PART));
    }

    private static int segments(int length, int single, int part) {
        if (length == 0) {
            return 0;
        }
        return length <= single ? 1 : (length + part - 1) / part;
    }
}
