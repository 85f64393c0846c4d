package io.stageflow.support;

/**
 * Ids and names never hold control characters: C0 (NUL to U+001F), DEL and C1 (U+0080 to U+009F). Some databases
 * cannot store a NUL, logs and CSV reports break on the others, and none is ever part of a genuine id.
 */
public final class ControlCharacters {

    public static final String RULE = "must not contain control characters";

    private ControlCharacters() {
    }

    public static boolean in(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                return true;
            }
        }
        return false;
    }
}
