package io.stageflow.templates;

/**
 * {@code $json} in a step's own templates (a webhook's JSON body): {@code $json.quote($customer.firstName)} writes the
 * value as a JSON string, quotes included and escaped, so that a name with a quote or a line break cannot break the
 * body; {@code null} for none. Public because Velocity only calls public methods of public classes.
 */
public final class JsonTool {

    /** The value as a JSON string literal, or {@code null}. */
    public String quote(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
