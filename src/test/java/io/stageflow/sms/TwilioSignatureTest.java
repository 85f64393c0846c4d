package io.stageflow.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Twilio's signature, held against the example in Twilio's own documentation of request validation. */
class TwilioSignatureTest {

    private static final String TOKEN = "12345";
    private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static final String DOCUMENTED = "GvWf1cFY/Q7PnoempGyD5oXAezc=";

    @Test
    void theDocumentedExampleVerifiesWhateverOrderTheParametersCameIn() {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("To", List.of("+18005551212"));
        params.put("Digits", List.of("1234"));
        params.put("CallSid", List.of("CA1234567890ABCDE"));
        params.put("From", List.of("+14158675310"));
        params.put("Caller", List.of("+14158675310"));

        assertThat(TwilioSignature.sign(TOKEN, URL, params)).isEqualTo(DOCUMENTED);
        assertThat(TwilioSignature.verifies(TOKEN, URL, params, DOCUMENTED)).isTrue();
    }

    @Test
    void anotherTokenUrlValueOrNoSignatureDoesNotVerify() {
        Map<String, List<String>> params = new LinkedHashMap<>(Map.of("CallSid", List.of("CA1234567890ABCDE"),
                "Caller", List.of("+14158675310"), "Digits", List.of("1234"), "From", List.of("+14158675310"),
                "To", List.of("+18005551212")));
        assertThat(TwilioSignature.verifies("54321", URL, params, DOCUMENTED)).isFalse();
        assertThat(TwilioSignature.verifies(TOKEN, "https://mycompany.com/myapp.php?foo=1&bar=3", params, DOCUMENTED))
                .isFalse();
        params.put("Digits", List.of("1235"));
        assertThat(TwilioSignature.verifies(TOKEN, URL, params, DOCUMENTED)).isFalse();
        assertThat(TwilioSignature.verifies(TOKEN, URL, params, null)).isFalse();
        assertThat(TwilioSignature.verifies(TOKEN, URL, params, "")).isFalse();
    }
}
