package io.stageflow.bounces;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.stageflow.delivery.DeliveryReports;
import io.stageflow.delivery.DeliveryReports.ReportedEmail;
import io.stageflow.subscriptions.Complained;
import io.stageflow.subscriptions.Suppressions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Acts on bounce and complaint reports, whatever brought them: a hard bounce suppresses the address for every
 * email, soft bounces do once there were {@code soft-bounce-limit} of them within the window, and a complaint
 * suppresses the address for marketing (as an unsubscribe does). The email a report names is marked in the message
 * log, and gets its {@code email_bounced} or {@code email_complained} event and its count in the message report.
 * Acting twice on the same report changes nothing more, so a report read again after a crash, or a webhook
 * delivered twice, does no harm.
 */
@Component
class BounceIntake {

    private static final Logger log = LoggerFactory.getLogger(BounceIntake.class);

    private final DeliveryReports deliveryReports;
    private final Suppressions suppressions;
    private final SoftBounces softBounces;
    private final ApplicationEventPublisher events;
    private final BouncesProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;

    BounceIntake(DeliveryReports deliveryReports, Suppressions suppressions, SoftBounces softBounces,
            ApplicationEventPublisher events, BouncesProperties properties, MeterRegistry meters, Clock clock) {
        this.deliveryReports = deliveryReports;
        this.suppressions = suppressions;
        this.softBounces = softBounces;
        this.events = events;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Acts on each report; returns how many were acted on.
     *
     * @param authenticated whether the reports' sender is proven (a signed webhook). A report from a mailbox, which
     *                      anyone can write to, is acted on only when it names one of Stageflow's emails by its
     *                      signed return path, or by its Message-ID and the address it went to.
     */
    int take(List<MailReport> reports, boolean authenticated) {
        int applied = 0;
        for (MailReport report : reports) {
            boolean done = take(report, authenticated);
            meters.counter("stageflow.bounces.reports", "source", report.source(), "kind",
                    report.kind().name().toLowerCase(java.util.Locale.ROOT), "result", done ? "applied" : "unmatched")
                    .increment();
            applied += done ? 1 : 0;
        }
        return applied;
    }

    private boolean take(MailReport report, boolean authenticated) {
        Optional<ReportedEmail> email = deliveryReports.find(report.returnPath(), null, null);
        if (email.isEmpty()) {
            email = deliveryReports.find(null, report.messageId(), authenticated ? report.recipient() : null);
            if (!authenticated && email.isPresent() && !sameAddress(email.get().recipient(), report.recipient())) {
                log.warn("A {} report names email {} by its Message-ID, but not the address it went to: ignored",
                        report.source(), email.get().outboxId());
                return false;
            }
        }
        String address = email.map(ReportedEmail::recipient).orElse(authenticated ? report.recipient() : null);
        if (address == null || address.isBlank()) {
            log.info("A {} report ({}) names none of Stageflow's emails (return path {}, Message-ID {}): ignored",
                    report.source(), report.kind(), report.returnPath(), report.messageId());
            return false;
        }
        String hash = Suppressions.hash(address);
        Long outboxId = email.map(ReportedEmail::outboxId).orElse(null);
        String reason = switch (report.kind()) {
            case HARD_BOUNCE -> "Hard bounce";
            case SOFT_BOUNCE -> "Soft bounce";
            case COMPLAINT -> "Spam complaint";
        } + " reported by " + report.source() + (report.detail() == null || report.detail().isBlank() ? ""
                : ": " + oneLine(report.detail()));
        switch (report.kind()) {
            case HARD_BOUNCE -> {
                suppressions.suppress(address, Suppressions.Reason.BOUNCED);
                email.ifPresent(e -> deliveryReports.bounced(e, true, reason));
                log.info("{}: email {} to customer {}; the address is suppressed", reason, outboxId,
                        email.map(ReportedEmail::customerId).orElse("(unknown)"));
            }
            case SOFT_BOUNCE -> {
                Instant now = clock.instant();
                int count = softBounces.count(hash, outboxId, now, properties.softBounceWindow());
                email.ifPresent(e -> deliveryReports.bounced(e, false, reason));
                if (count >= properties.softBounceLimit()) {
                    suppressions.suppress(address, Suppressions.Reason.BOUNCED);
                    log.info("{}: email {}; the address bounced softly {} times within {} and is suppressed", reason,
                            outboxId, count, properties.softBounceWindow());
                }
            }
            case COMPLAINT -> {
                suppressions.suppress(address, Suppressions.Reason.COMPLAINED);
                events.publishEvent(new Complained(hash, outboxId));
                log.info("{}: email {}; the address gets no more marketing email", reason, outboxId);
            }
        }
        return true;
    }

    private static boolean sameAddress(String sentTo, String reported) {
        return sentTo != null && reported != null && sentTo.strip().equalsIgnoreCase(reported.strip());
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
