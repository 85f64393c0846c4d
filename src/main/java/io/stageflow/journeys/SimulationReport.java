package io.stageflow.journeys;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a simulation found: how many customers would have entered the journey version over the replayed period, how
 * many reached each step (the shape of the live figures, {@code id -> reached / completed / waitingNow}, so that the
 * console draws them on the diagram the same way), the emails each send step would have queued and what the frequency
 * cap and quiet hours would have done with them, and the conversions the real orders in the history would have made.
 *
 * @param eventsReplayed  stored events replayed (of the types the journey starts on or waits for, and orders)
 * @param customers       distinct customers whose events were replayed
 * @param entered         journey instances started (a customer may enter more than once, as the re-entry policy allows)
 * @param enteredCustomers distinct customers who entered
 * @param converted       instances that reached a goal end event ({@code outcome = converted})
 * @param conversionRate  converted / entered, or null when none entered
 * @param failed          steps that failed (the live engine would have opened an incident)
 * @param steps           every flow element of the version, with its figures
 * @param emails          per send step and template
 * @param notes           what the simulation could not reproduce exactly (see docs/console.md)
 */
public record SimulationReport(Instant from, Instant to, long eventsReplayed, long customers, long entered,
        long enteredCustomers, long converted, Double conversionRate, long failed, List<StepFigure> steps,
        List<TemplateEmails> emails, List<String> notes) {

    /**
     * The report of a run split by customer over several engines: every count added up, steps and emails merged by
     * step (and template), in the first report's order. The parts must cover the same period and version.
     */
    static SimulationReport combine(List<SimulationReport> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        SimulationReport first = parts.get(0);
        Map<String, StepFigure> steps = new LinkedHashMap<>();
        Map<String, TemplateEmails> emails = new LinkedHashMap<>();
        long events = 0;
        long customers = 0;
        long entered = 0;
        long enteredCustomers = 0;
        long converted = 0;
        long failed = 0;
        for (SimulationReport part : parts) {
            events += part.eventsReplayed();
            customers += part.customers();
            entered += part.entered();
            enteredCustomers += part.enteredCustomers();
            converted += part.converted();
            failed += part.failed();
            for (StepFigure step : part.steps()) {
                steps.merge(step.id(), step, (a, b) -> new StepFigure(a.id(), a.name(), a.type(),
                        a.reached() + b.reached(), a.completed() + b.completed(), a.waitingNow() + b.waitingNow(),
                        a.failed() + b.failed()));
            }
            for (TemplateEmails email : part.emails()) {
                emails.merge(email.step() + "\u0000" + email.template(), email, (a, b) -> new TemplateEmails(a.step(),
                        a.template(), a.queued() + b.queued(), a.sentAtOnce() + b.sentAtOnce(),
                        a.deferred() + b.deferred(), a.skipped() + b.skipped(), a.suppressed() + b.suppressed()));
            }
        }
        return new SimulationReport(first.from(), first.to(), events, customers, entered, enteredCustomers, converted,
                entered == 0 ? null : (double) converted / entered, failed, List.copyOf(steps.values()),
                List.copyOf(emails.values()), first.notes());
    }

    /** One step: customers (instances) that reached it, left it, and were still at it at the end of the period. */
    public record StepFigure(String id, String name, String type, long reached, long completed, long waitingNow,
            long failed) {
    }

    /**
     * The emails one send step would have queued with one template, and what delivery would have done: sent at once,
     * deferred (frequency cap or quiet hours, sent later), skipped (the cap with {@code on-limit: skip}), or
     * suppressed (suppression list, no consent, no profile).
     */
    public record TemplateEmails(String step, String template, long queued, long sentAtOnce, long deferred,
            long skipped, long suppressed) {
    }
}
