package io.stageflow.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import io.stageflow.security.LinkSigner;

import org.springframework.stereotype.Component;

/**
 * Variable envelope return paths (VERP): each email's envelope sender names its outbox row, signed, so that a bounce
 * sent back days later by any mail server names the email it is about, and no one can make one up for another
 * email. {@code bounces@bounce.shop.example} gives {@code bounces+1234-0f3a…@bounce.shop.example}; the signature is
 * lower-case hex, since some servers change the case of the local part.
 */
@Component
class ReturnPaths {

    private static final int SIGNATURE_HEX = 20;
    private static final Pattern VERP = Pattern.compile("\\+(\\d{1,18})-([0-9a-f]{" + SIGNATURE_HEX + "})@");

    private final LinkSigner signer;
    private final String localPart;
    private final String domain;

    ReturnPaths(DeliveryProperties properties, LinkSigner signer) throws AddressException {
        this.signer = signer;
        String returnPath = properties.returnPath();
        if (returnPath == null || returnPath.isBlank()) {
            this.localPart = null;
            this.domain = null;
        } else {
            String address = new InternetAddress(returnPath.strip(), true).getAddress();
            int at = address.lastIndexOf('@');
            if (at <= 0) {
                throw new IllegalStateException("stageflow.delivery.return-path must be an address such as"
                        + " bounces@bounce.shop.example, not " + returnPath);
            }
            this.localPart = address.substring(0, at);
            this.domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        }
    }

    /** The envelope sender for the row's email, or null when no return path is configured (the From is used). */
    String of(long outboxId) {
        return localPart == null ? null : localPart + "+" + outboxId + "-" + signature(outboxId) + "@" + domain;
    }

    /** The row a return path names, when it is one of ours and its signature is genuine. */
    Optional<Long> outboxIdOf(String address) {
        if (address == null || domain == null) {
            return Optional.empty();
        }
        String plain = address.strip().toLowerCase(Locale.ROOT);
        if (plain.startsWith("<") && plain.endsWith(">")) {
            plain = plain.substring(1, plain.length() - 1);
        }
        if (!plain.endsWith("@" + domain)) {
            return Optional.empty();
        }
        Matcher verp = VERP.matcher(plain);
        if (!verp.find()) {
            return Optional.empty();
        }
        try {
            long id = Long.parseLong(verp.group(1));
            return MessageDigest.isEqual(signature(id).getBytes(StandardCharsets.US_ASCII),
                    verp.group(2).getBytes(StandardCharsets.US_ASCII)) ? Optional.of(id) : Optional.empty();
        } catch (NumberFormatException tooLong) {
            return Optional.empty();
        }
    }

    private String signature(long outboxId) {
        return HexFormat.of().formatHex(LinkSigner.decode(signer.fingerprint("return-path:" + outboxId)))
                .substring(0, SIGNATURE_HEX);
    }
}
