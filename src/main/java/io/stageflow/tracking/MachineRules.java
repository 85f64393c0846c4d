package io.stageflow.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tells a person's open or click from a machine's (docs/analytics.md, "Opens and clicks"). Machines: Apple Mail
 * Privacy Protection and the image proxies of Gmail and Yahoo, which fetch every image of an email whether or not
 * anyone reads it; security gateways that follow every link of an email as it arrives; and anything that announces
 * itself as a bot, asks only for the headers ({@code HEAD}), or comes within the machine window of the send. The
 * answer is the first rule that matches, as a short reason kept with the hit.
 */
final class MachineRules {

    /** How a person's browser or mail client was classified: the only human reason. */
    static final String HUMAN = "person";

    private static final List<Rule> OPEN_AGENTS = List.of(
            new Rule("gmail-proxy", "googleimageproxy|ggpht\\.com"),
            new Rule("yahoo-proxy", "yahoomailproxy"),
            // Apple's proxy sends a bare "Mozilla/5.0", with no platform or engine, unlike any real browser.
            new Rule("apple-proxy", "^mozilla/5\\.0$"));
    private static final List<Rule> SCANNER_AGENTS = List.of(
            new Rule("scanner", "barracuda|proofpoint|mimecast|bingpreview|safelinks|symantec|trend ?micro|forcepoint"
                    + "|zscaler|ironport|cisco|fortinet|sophos|microsoft office|ms-office|msoffice"));
    private static final List<Rule> BOT_AGENTS = List.of(
            new Rule("bot", "bot\\b|bot/|crawler|spider|preview|python|curl/|wget|go-http-client|java/|okhttp"
                    + "|headless|phantomjs|libwww|httpclient|scrapy"));

    private final Duration machineWindow;

    MachineRules(Duration machineWindow) {
        this.machineWindow = machineWindow;
    }

    /** Why this open is a machine's, or {@link #HUMAN}. */
    String open(String userAgent, Instant sentAt, Instant at) {
        String agent = normalized(userAgent);
        if (agent.isEmpty()) {
            return "no-agent";
        }
        for (List<Rule> rules : List.of(OPEN_AGENTS, SCANNER_AGENTS, BOT_AGENTS)) {
            String reason = match(rules, agent);
            if (reason != null) {
                return reason;
            }
        }
        return tooSoon(sentAt, at) ? "too-soon" : HUMAN;
    }

    /** Why this click is a machine's, or {@link #HUMAN}. */
    String click(String method, String userAgent, Instant sentAt, Instant at) {
        if ("HEAD".equalsIgnoreCase(method)) {
            return "head";
        }
        String agent = normalized(userAgent);
        if (agent.isEmpty()) {
            return "no-agent";
        }
        for (List<Rule> rules : List.of(SCANNER_AGENTS, BOT_AGENTS, OPEN_AGENTS)) {
            String reason = match(rules, agent);
            if (reason != null) {
                return reason;
            }
        }
        return tooSoon(sentAt, at) ? "too-soon" : HUMAN;
    }

    private boolean tooSoon(Instant sentAt, Instant at) {
        return sentAt != null && at.isBefore(sentAt.plus(machineWindow));
    }

    private static String normalized(String userAgent) {
        return userAgent == null ? "" : userAgent.strip().toLowerCase(Locale.ROOT);
    }

    private static String match(List<Rule> rules, String agent) {
        for (Rule rule : rules) {
            if (rule.pattern().matcher(agent).find()) {
                return rule.reason();
            }
        }
        return null;
    }

    private record Rule(String reason, Pattern pattern) {

        Rule(String reason, String regex) {
            this(reason, Pattern.compile(regex));
        }
    }
}
