package io.stageflow.referrals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import io.stageflow.customers.CustomerService;
import io.stageflow.events.ObservedEvents;
import io.stageflow.testing.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The referral rules that the end-to-end tests do not reach: the cap, idempotency per event, mailboxes. */
class ReferralRulesTest extends IntegrationTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    CustomerService customers;

    @Autowired
    ObservedEvents events;

    @Autowired
    Clock clock;

    @Test
    void aReferrerOverTheCapIsRejectedAndTheSameEventGetsTheSameAnswer() {
        Referrals capped = new Referrals(jdbc, customers, events, new ReferralsProperties(1, Duration.ofDays(30)), clock);
        String code = capped.codeOf("cap-referrer-" + run);

        assertThat(capped.signedUp("cap-friend-1-" + run, code, "cap-1-" + run)).isNull();
        assertThat(capped.signedUp("cap-friend-2-" + run, code, "cap-2-" + run))
                .isEqualTo("The referrer has reached the limit of 1 referrals");
        assertThat(capped.signedUp("cap-friend-1-" + run, code, "cap-1-" + run)).as("same event, same answer").isNull();
        assertThat(capped.signedUp("cap-friend-2-" + run, code, "cap-2-" + run))
                .isEqualTo("The referrer has reached the limit of 1 referrals");
        assertThat(capped.signedUp("cap-friend-3-" + run, "NOSUCHCD", "cap-3-" + run)).isEqualTo("Unknown referral code");
        assertThat(jdbc.sql("select count(*) from sf_referral where referrer_id = ?").param("cap-referrer-" + run)
                .query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void mailboxesIgnoreCaseTagsAndGmailDots() {
        assertThat(EmailAddresses.mailbox("Ada.Love.Lace+shop@GoogleMail.com")).isEqualTo("adalovelace@gmail.com");
        assertThat(EmailAddresses.mailbox("ada.lovelace+x@example.com")).isEqualTo("ada.lovelace@example.com");
        assertThat(EmailAddresses.mailbox("ada.lovelace@example.com"))
                .as("dots count outside Gmail").isNotEqualTo(EmailAddresses.mailbox("adalovelace@example.com"));
    }
}
