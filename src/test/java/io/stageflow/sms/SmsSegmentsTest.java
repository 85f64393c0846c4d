package io.stageflow.sms;

import static org.assertj.core.api.Assertions.assertThat;

import io.stageflow.sms.SmsSegments.Encoding;

import org.junit.jupiter.api.Test;

/** GSM-7 and UCS-2 texts, counted as the providers bill them. */
class SmsSegmentsTest {

    @Test
    void asciiFitsOneSegmentUpTo160AndSplitsInto153sAfter() {
        assertThat(SmsSegments.of("a".repeat(160))).isEqualTo(new SmsSegments(Encoding.GSM_7, 160, 1));
        assertThat(SmsSegments.of("a".repeat(161))).isEqualTo(new SmsSegments(Encoding.GSM_7, 161, 2));
        assertThat(SmsSegments.of("a".repeat(306))).isEqualTo(new SmsSegments(Encoding.GSM_7, 306, 2));
        assertThat(SmsSegments.of("a".repeat(307))).isEqualTo(new SmsSegments(Encoding.GSM_7, 307, 3));
    }

    @Test
    void aRealGreetingIsOneGsmSegment() {
        assertThat(SmsSegments.of("Hi Anna, your order #1042 has shipped! Track it: https://shop.example/t/1042"))
                .isEqualTo(new SmsSegments(Encoding.GSM_7, 76, 1));
        assertThat(SmsSegments.of("Grüße aus Köln, Ñandu @ 5£")).extracting(SmsSegments::encoding)
                .isEqualTo(Encoding.GSM_7);
    }

    @Test
    void theEuroSignAndOtherExtensionCharactersTakeTwo() {
        assertThat(SmsSegments.of("Only 5€ today")).isEqualTo(new SmsSegments(Encoding.GSM_7, 14, 1));
        assertThat(SmsSegments.of("€".repeat(80))).isEqualTo(new SmsSegments(Encoding.GSM_7, 160, 1));
        assertThat(SmsSegments.of("a" + "€".repeat(80))).isEqualTo(new SmsSegments(Encoding.GSM_7, 161, 2));
        assertThat(SmsSegments.of("[{~}]^|\\")).isEqualTo(new SmsSegments(Encoding.GSM_7, 16, 1));
    }

    @Test
    void anEmojiTurnsTheWholeTextToUcs2() {
        assertThat(SmsSegments.of("Thanks 🎉")).isEqualTo(new SmsSegments(Encoding.UCS_2, 9, 1));
        assertThat(SmsSegments.of("🎉".repeat(35))).isEqualTo(new SmsSegments(Encoding.UCS_2, 70, 1));
        assertThat(SmsSegments.of("a" + "🎉".repeat(35))).isEqualTo(new SmsSegments(Encoding.UCS_2, 71, 2));
        assertThat(SmsSegments.of("b".repeat(133) + "🎉")).isEqualTo(new SmsSegments(Encoding.UCS_2, 135, 3));
    }

    @Test
    void nonGsmLettersAndCurlyQuotesAreUcs2() {
        assertThat(SmsSegments.of("Привет").encoding()).isEqualTo(Encoding.UCS_2);
        assertThat(SmsSegments.of("It’s here").encoding()).isEqualTo(Encoding.UCS_2);
        assertThat(SmsSegments.of("Ñandú").encoding()).as("ú is not GSM-7 (ù is)").isEqualTo(Encoding.UCS_2);
        assertThat(SmsSegments.of("x".repeat(70) + "’")).isEqualTo(new SmsSegments(Encoding.UCS_2, 71, 2));
    }

    @Test
    void noTextIsNoSegment() {
        assertThat(SmsSegments.of("")).isEqualTo(new SmsSegments(Encoding.GSM_7, 0, 0));
        assertThat(SmsSegments.of(null)).isEqualTo(new SmsSegments(Encoding.GSM_7, 0, 0));
    }
}
