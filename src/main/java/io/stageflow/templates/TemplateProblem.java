package io.stageflow.templates;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.velocity.exception.ExtendedParseException;
import org.apache.velocity.exception.ParseErrorException;

/**
 * Why a template file cannot be sent, said so that a marketer can fix it: the file (as {@code templates/…}),
 * the line and column when known, the reference at fault, and what is wrong. Deploy-time validation reports
 * it as one sentence; the preview API as problem+json fields.
 *
 * @param summary what is wrong with the file as a whole, e.g. "does not parse"
 * @param detail  the specific problem, or null
 */
record TemplateProblem(String file, int line, int column, String reference, String summary, String detail) {

    private static final Pattern LOCATION = Pattern.compile("\\s+at\\s+(\\S+?)\\[line (\\d+), column (\\d+)\\]");
    private static final Pattern NULL_REFERENCE = Pattern.compile("Reference (\\S+) evaluated to null");
    private static final Pattern UNSET_VARIABLE = Pattern.compile("Variable (\\S+) has not been set");
    private static final Pattern NO_METHOD = Pattern.compile("does not contain method (\\w+)\\(");
    private static final Pattern NULL_ACCESS = Pattern.compile("Attempted to access '(\\w+)' on a null value");
    private static final Pattern NO_MACRO = Pattern.compile("Macro '(#\\w+)' is not defined");

    static TemplateProblem missing(String file) {
        return new TemplateProblem(file, 0, 0, null, "does not exist", null);
    }

    /** One sentence naming the file, the position and the problem, for deployment errors and logs. */
    public String describe() {
        StringBuilder text = new StringBuilder(file).append(' ').append(summary);
        if (line > 0) {
            text.append(" (line ").append(line).append(", column ").append(column).append(')');
        }
        return detail == null ? text.toString() : text.append(": ").append(detail).toString();
    }

    /**
     * The problem behind a Velocity exception; Velocity names the template relative to the templates folder and
     * puts the position in the message ({@code at welcome/html.vm[line 3, column 7]}).
     */
    static TemplateProblem of(RuntimeException e, String summary) {
        String message = firstLine(e.getMessage());
        String template = null;
        int line = 0;
        int column = 0;
        Matcher location = LOCATION.matcher(message);
        if (location.find()) {
            template = location.group(1);
            line = Integer.parseInt(location.group(2));
            column = Integer.parseInt(location.group(3));
            message = message.substring(0, location.start()) + message.substring(location.end());
        } else if (e instanceof ExtendedParseException parse) {
            template = parse.getTemplateName();
            line = parse.getLineNumber();
            column = parse.getColumnNumber();
        } else if (e instanceof ParseErrorException parse) {
            template = parse.getTemplateName();
            line = parse.getLineNumber();
            column = parse.getColumnNumber();
        }
        String file = template == null ? "templates" : "templates/" + template;
        return explained(file, Math.max(line, 0), Math.max(column, 0), message.strip(), summary);
    }

    private static TemplateProblem explained(String file, int line, int column, String message, String summary) {
        Matcher m;
        if ((m = NULL_REFERENCE.matcher(message)).find()) {
            String reference = m.group(1);
            return new TemplateProblem(file, line, column, reference, summary, reference
                    + " has no value: it is misspelt, or missing for this customer. If it may be missing, give it a"
                    + " fallback: ${" + reference.replaceAll("[${}!]", "") + "|'...'}");
        }
        if ((m = UNSET_VARIABLE.matcher(message)).find()) {
            String reference = m.group(1);
            return new TemplateProblem(file, line, column, reference, summary, reference
                    + " does not exist: templates can use $customer, $brand, $journey, $links, $raw"
                    + " and $track");
        }
        if ((m = NO_METHOD.matcher(message)).find()) {
            String method = m.group(1);
            return new TemplateProblem(file, line, column, method + "()", summary, SandboxRules.refusesMethod(method)
                    ? method + "() is refused by the template sandbox" : method + "() does not exist here");
        }
        if ((m = NULL_ACCESS.matcher(message)).find()) {
            return new TemplateProblem(file, line, column, "." + m.group(1), summary,
                    "." + m.group(1) + " is read from a value that is missing; check the reference or add an #if");
        }
        if ((m = NO_MACRO.matcher(message)).find()) {
            return new TemplateProblem(file, line, column, m.group(1), summary,
                    m.group(1) + " is not a macro: the shared ones are in templates/_macros.vm");
        }
        return new TemplateProblem(file, line, column, null, summary, message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
