package io.stageflow.support;

import java.util.regex.Pattern;

/** Keeps personal data out of logs and stored error texts: mail servers like to quote the address they reject. */
public final class Redaction {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private Redaction() {
    }

    public static String redact(String text) {
        return text == null ? null : EMAIL.matcher(text).replaceAll("<email>");
    }
}
