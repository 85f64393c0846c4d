package io.stageflow.bounces;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.stageflow.subscriptions.Suppressions;
import io.stageflow.testing.IntegrationTest;

import jakarta.mail.internet.MimeMessage;

/** What the bounce tests share: a new customer who got the welcome email, and what is known of an address. */
abstract class BounceTestCase extends IntegrationTest {

    /**
     * The welcome email as it arrived, and what names it.
     *
     * @param returnPath the envelope sender it was sent with (its VERP address)
     * @param raw        the message as the recipient's server got it
     */
    record Welcomed(String customerId, String address, long outboxId, String messageId, String returnPath,
            String raw) {
    }

    Welcomed signUpAndReceiveWelcome() throws Exception {
        String id = "bounce-" + UUID.randomUUID().toString().substring(0, 8);
        String address = id + "@example.com";
        client().signUp(id, address, "Ada");
        MimeMessage welcome = awaitMail(address, 1).get(0);
        awaitSettled(id);
        long outboxId = jdbc.sql("select id from sf_outbox where customer_id = ? and template_key = 'welcome'")
                .param(id).query(Long.class).single();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        welcome.writeTo(bytes);
        return new Welcomed(id, address, outboxId, welcome.getMessageID(),
                welcome.getHeader("Return-Path", null).replaceAll("[<>]", "").strip(),
                bytes.toString(StandardCharsets.UTF_8));
    }

    /** Why the address is suppressed, or null. */
    String suppression(String email) {
        return jdbc.sql("select reason from sf_suppression where email_hash = ?").param(Suppressions.hash(email))
                .query(String.class).optional().orElse(null);
    }
}
