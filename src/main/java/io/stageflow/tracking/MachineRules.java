package io.stageflow.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

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

    /**
     * User agents whose verdicts each node keeps: after a broadcast a few agents (a handful of mail clients and
     * proxies) make nearly every hit, and matching their strings against every pattern again cost a tenth of the
     * hit writer's time.
     */
    static final int REMEMBERED_AGENTS = 10_000;

    private final Duration machineWindow;
    private final Cache<String, Verdict> verdicts = Caffeine.newBuilder().maximumSize(REMEMBERED_AGENTS).build();

    MachineRules(Duration machineWindow) {
        this.machineWindow = machineWindow;
    }

    /** Why this open is a machine's, or {@link #HUMAN}. */
    String open(String userAgent, Instant sentAt, Instant at) {
        String reason = verdict(userAgent).open();
        return reason != null ? reason : tooSoon(sentAt, at) ? "too-soon" : HUMAN;
    }

    /** Why this click is a machine's, or {@link #HUMAN}. */
    String click(String method, String userAgent, Instant sentAt, Instant at) {
        if ("HEAD".equalsIgnoreCase(method)) {
            return "head";
        }
        String reason = verdict(userAgent).click();
        return reason != null ? reason : tooSoon(sentAt, at) ? "too-soon" : HUMAN;
    }

    private Verdict verdict(String userAgent) {
        return userAgent == null ? Verdict.NO_AGENT : verdicts.get(userAgent, MachineRules::judge);
    }

    /** What the agent alone says of an open and of a click; the timing is judged per hit. */
    private static Verdict judge(String userAgent) {
        String agent = normalized(userAgent);
        if (agent.isEmpty()) {
            return Verdict.NO_AGENT;
        }
        return new Verdict(first(agent, OPEN_AGENTS, SCANNER_AGENTS, BOT_AGENTS),
                first(agent, SCANNER_AGENTS, BOT_AGENTS, OPEN_AGENTS));
    }

    @SafeVarargs
    private static String first(String agent, List<Rule>... ruleLists) {
        for (List<Rule> rules : ruleLists) {
            String reason = match(rules, agent);
            if (reason != null) {
                return reason;
            }
        }
        return null;
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

    /** The machine reason an agent gives an open and a click, each null when the agent looks like a person's. */
    private record Verdict(String open, String click) {

        static final Verdict NO_AGENT = new Verdict("no-agent", "no-agent");
    }

    private record Rule(String reason, Pattern pattern) {

        Rule(String reason, String regex) {
            this(reason, Pattern.compile(regex));
        }
    }
}
