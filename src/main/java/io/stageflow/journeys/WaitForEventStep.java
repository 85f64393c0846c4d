package io.stageflow.journeys;

import java.util.List;

import org.springframework.stereotype.Component;

/**
 * The "Wait for event" step: a message catch event whose message name is the event type, which the engine runs
 * itself and {@link EventRouting} correlates. It has no delegate and nothing to check at deploy beyond what the
 * engine checks; it is declared so that its element template is held against the code like every other step.
 */
@Component
class WaitForEventStep implements JourneyStep {

    static final StepInput<String> NAME = StepInput.attribute("name", "String").notEmpty();

    @Override
    public String templateId() {
        return "io.stageflow.waitForEvent";
    }

    @Override
    public String appliesTo() {
        return "bpmn:IntermediateCatchEvent";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(NAME);
    }
}
