package io.stageflow.journeys;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one journey (one version, or all of them) did in a period: how many entered, how far they got step by step,
 * where they left, and how many reached the goal and how fast. Figures count what happened in the period: a step
 * reached in it, a journey ended in it; {@code waitingNow} is the live count when asked.
 *
 * @param journey         the journey's key (its BPMN process id)
 * @param version         the version reported, or null for all versions together
 * @param from            the start of the period, inclusive
 * @param to              the end of the period, exclusive
 * @param entered         journeys started in the period
 * @param steps           each step of the journey (of its latest version reported) and any other step counted
 * @param exits           each end event of the journey, with the journeys that ended there in the period
 * @param cancelled       journeys cancelled in the period without reaching an end event (an unsubscribe, an
 *                        erasure, an operator)
 * @param converted       journeys that ended at a goal end event in the period
 * @param conversionRate  converted over entered in the period, or null when none entered
 * @param medianTimeToConvert the median time from start to goal of the conversions in the period, or null
 */
public record JourneyReport(String journey, Integer version, Instant from, Instant to, long entered,
        List<Step> steps, List<Exit> exits, long cancelled, long converted, Double conversionRate,
        Duration medianTimeToConvert) {

    /**
     * One step.
     *
     * @param id         its element id in the diagram
     * @param name       its name in the diagram, or null
     * @param type       the BPMN element type, such as {@code serviceTask}
     * @param reached    customers who reached it in the period
     * @param completed  customers who completed it in the period (left it along a flow, not cancelled)
     * @param waitingNow customers at it now
     */
    public record Step(String id, String name, String type, long reached, long completed, long waitingNow) {
    }

    /**
     * One end event.
     *
     * @param id    its element id in the diagram
     * @param name  its name in the diagram, or null
     * @param goal  whether it is a goal (Camunda property {@code outcome} = {@code converted})
     * @param ended journeys that ended there in the period
     */
    public record Exit(String id, String name, boolean goal, long ended) {
    }
}
