package io.stageflow.analytics;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.stageflow.web.Csv;
import io.stageflow.delivery.MessageFigure;
import io.stageflow.support.Tallies;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/analytics/messages?from&to[&template]}: what became of the emails of each template, per
 * journey step or broadcast that sent them, for the period and day by day (docs/analytics.md). JSON, or CSV with
 * one row per template, sender and day. Marketers, operators and admins.
 */
@RestController
class MessageAnalyticsController {

    private final Tallies tallies;
    private final AnalyticsProperties settings;

    MessageAnalyticsController(Tallies tallies, AnalyticsProperties settings) {
        this.tallies = tallies;
        this.settings = settings;
    }

    @GetMapping(path = "/api/v1/analytics/messages", produces = "application/json")
    MessageAnalytics messages(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String template) {
        ReportPeriod period = ReportPeriod.parse(from, to, settings);
        String subject = template == null || template.isBlank() ? null : template.strip();
        Map<List<String>, Map<LocalDate, Map<String, Long>>> bySender = new TreeMap<>(
                (a, b) -> (a.get(0) + "\u0000" + a.get(1)).compareTo(b.get(0) + "\u0000" + b.get(1)));
        for (Tallies.DayTotal total : tallies.dailyTotals(MessageFigure.SERIES, subject, null, period.from(),
                period.to())) {
            LocalDate day = total.day();
            bySender.computeIfAbsent(List.of(total.tally().subject(), total.tally().element()), key -> new TreeMap<>())
                    .computeIfAbsent(day, d -> new LinkedHashMap<>())
                    .merge(total.tally().figure(), total.amount(), Long::sum);
        }
        List<Messages> messages = new ArrayList<>();
        bySender.forEach((key, days) -> {
            Map<String, Long> sums = new LinkedHashMap<>();
            days.values().forEach(figures -> figures.forEach((figure, amount) -> sums.merge(figure, amount, Long::sum)));
            messages.add(new Messages(key.get(0), key.get(1), Figures.of(sums),
                    days.entrySet().stream().map(day -> new Day(day.getKey(), Figures.of(day.getValue()))).toList()));
        });
        return new MessageAnalytics(period.from(), period.to(), period.zone().getId(), messages);
    }

    @GetMapping(path = "/api/v1/analytics/messages", produces = Csv.MEDIA_TYPE)
    ResponseEntity<String> messagesCsv(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String template) {
        MessageAnalytics report = messages(from, to, template);
        List<List<Object>> rows = new ArrayList<>();
        for (Messages sender : report.messages()) {
            for (Day day : sender.days()) {
                Figures f = day.figures();
                rows.add(Arrays.asList(day.day(), sender.template(), sender.sender(), f.queued(), f.sent(),
                        f.deferred(), f.suppressed(), f.bounced(), f.softBounced(), f.failed(), f.skipped(), f.outcomeUnknown(),
                        f.uniqueOpens(), f.uniqueMachineOpens(), f.uniqueClicks(), f.unsubscribed(), f.complained()));
            }
        }
        return Csv.of("messages-" + report.from() + "-" + report.to(), List.of("day", "template", "sender", "queued",
                "sent", "deferred", "suppressed", "bounced", "soft_bounced", "failed", "skipped", "outcome_unknown", "unique_opens",
                "unique_machine_opens", "unique_clicks", "unsubscribed", "complained"), rows);
    }

    /**
     * The emails of one template sent by one sender.
     *
     * @param template the template's key
     * @param sender   {@code journey/step}, {@code broadcast:<id>}, or "" for other sends
     * @param totals   the figures of the whole period
     * @param days     the figures of each day that has any
     */
    record Messages(String template, String sender, Figures totals, List<Day> days) {
    }

    /**
     * One day's figures.
     *
     * @param day     the day, in the analytics time zone
     * @param figures its figures
     */
    record Day(LocalDate day, Figures figures) {
    }

    /**
     * What became of the emails (docs/analytics.md).
     *
     * @param queued              emails queued
     * @param sent                accepted by the mail server
     * @param deferred            deferrals by pacing or quiet hours (an email deferred twice counts twice)
     * @param suppressed          not sent to a suppressed address or without consent, in all
     * @param suppressedByReason  the same by reason
     * @param bounced             refused for good by the recipient's server, at sending or reported later
     * @param softBounced         reported undeliverable for now after sending (a full mailbox, a message expired)
     * @param failed              given up for another reason
     * @param skipped             nothing to send: no address, or the pacing limit said skip
     * @param outcomeUnknown      the connection broke after the message was handed over
     * @param withdrawn           not sent: the journey reached its goal or was cancelled while the email waited
     * @param uniqueOpens         emails opened by a person at least once
     * @param uniqueMachineOpens  emails a machine opened at least once (privacy proxies, scanners)
     * @param uniqueClicks        emails with at least one human click
     * @param unsubscribed        emails whose unsubscribe link (or List-Unsubscribe) the recipient used
     * @param complained          emails a mailbox provider's feedback loop reported the recipient marked as spam
     * @param clickThroughRate    unique clicks over sent, or null
     * @param clickToOpenRate     unique clicks over unique (human) opens, or null
     */
    record Figures(long queued, long sent, long deferred, long suppressed, Map<String, Long> suppressedByReason,
            long bounced, long softBounced, long failed, long skipped, long outcomeUnknown, long withdrawn, long uniqueOpens, long uniqueMachineOpens,
            long uniqueClicks, long unsubscribed, long complained, Double clickThroughRate, Double clickToOpenRate) {

        static Figures of(Map<String, Long> figures) {
            Map<String, Long> byReason = new TreeMap<>();
            figures.forEach((figure, amount) -> {
                if (figure.startsWith("SUPPRESSED_")) {
                    byReason.put(figure.substring("SUPPRESSED_".length()).toLowerCase(java.util.Locale.ROOT), amount);
                }
            });
            long sent = get(figures, MessageFigure.SENT.name());
            long opens = get(figures, MessageFigure.UNIQUE_OPENS);
            long clicks = get(figures, MessageFigure.UNIQUE_CLICKS);
            return new Figures(get(figures, MessageFigure.QUEUED.name()), sent,
                    get(figures, MessageFigure.DEFERRED.name()), byReason.values().stream().mapToLong(Long::longValue).sum(),
                    byReason, get(figures, MessageFigure.BOUNCED.name()),
                    get(figures, MessageFigure.SOFT_BOUNCED.name()), get(figures, MessageFigure.FAILED.name()),
                    get(figures, MessageFigure.SKIPPED.name()), get(figures, MessageFigure.OUTCOME_UNKNOWN.name()),
                    get(figures, MessageFigure.WITHDRAWN.name()), opens, get(figures, MessageFigure.UNIQUE_MACHINE_OPENS), clicks,
                    get(figures, MessageFigure.UNSUBSCRIBED.name()), get(figures, MessageFigure.COMPLAINED.name()),
                    sent == 0 ? null : (double) clicks / sent, opens == 0 ? null : (double) clicks / opens);
        }

        private static long get(Map<String, Long> figures, String figure) {
            return figures.getOrDefault(figure, 0L);
        }
    }

    /**
     * The report.
     *
     * @param from     the first day
     * @param to       the last day
     * @param timeZone the zone of the days
     * @param messages one entry per template and sender with any figure in the period
     */
    record MessageAnalytics(LocalDate from, LocalDate to, String timeZone, List<Messages> messages) {
    }
}
