package io.stageflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The human-or-machine rules of docs/analytics.md, one user agent (and timing) at a time. */
class MachineRulesTest {

    private static final Instant SENT = Instant.parse("2030-01-01T10:00:00Z");
    private static final MachineRules RULES = new MachineRules(Duration.ofSeconds(10));

    @ParameterizedTest(name = "open by {0} after {1} s: {2}")
    @CsvSource(delimiter = '|', value = {
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 | 60 | person",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 | 3600 | person",
            "Mozilla/5.0 | 60 | apple-proxy",
            "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy) | 60 | gmail-proxy",
            "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html | 60 | yahoo-proxy",
            "Mozilla/5.0 (compatible; BingPreview/1.0b) | 60 | scanner",
            "python-requests/2.31 | 60 | bot",
            "'' | 60 | no-agent",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) | 9 | too-soon"})
    void opens(String agent, long secondsAfterSend, String reason) {
        assertThat(RULES.open(agent, SENT, SENT.plusSeconds(secondsAfterSend))).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0} click by {1} after {2} s: {3}")
    @CsvSource(delimiter = '|', value = {
            "GET | Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 | 30 | person",
            "HEAD | Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 | 30 | head",
            "GET | Mozilla/5.0 (compatible; Barracuda Sentinel (EE)) | 30 | scanner",
            "GET | Proofpoint URL Defense | 30 | scanner",
            "GET | Mimecast URL Protect | 30 | scanner",
            "GET | Microsoft Office Existence Discovery | 30 | scanner",
            "GET | Googlebot/2.1 | 30 | bot",
            "GET | Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 | 2 | too-soon"})
    void clicks(String method, String agent, long secondsAfterSend, String reason) {
        assertThat(RULES.click(method, agent, SENT, SENT.plusSeconds(secondsAfterSend))).isEqualTo(reason);
    }
}
