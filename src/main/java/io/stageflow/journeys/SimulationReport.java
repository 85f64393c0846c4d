package io.stageflow.journeys;

import java.time.Instant;
import java.util.List;

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
