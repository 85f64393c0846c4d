package io.stageflow.journeys;

import java.util.List;

import org.springframework.stereotype.Component;

/**
 * The "Follow-up task" step: a user task for a team in Camunda Tasklist, which the engine runs itself. It has no
 * delegate and nothing to check at deploy beyond what the engine checks; it is declared so that its element
 * template (task name, candidate groups, due date) is held against the code like every other step.
 */
@Component
class FollowUpTaskStep implements JourneyStep {

    static final StepInput<String> NAME = StepInput.attribute("name", "String").notEmpty();
    static final StepInput<String> CANDIDATE_GROUPS = StepInput.attribute("camunda:candidateGroups", "String")
            .notEmpty().defaultValue("customer-success").pattern("^[A-Za-z0-9_-]+(\\s*,\\s*[A-Za-z0-9_-]+)*$");
    /** A period (P2D), a date and time, or an expression; or nothing. */
    static final StepInput<String> DUE_DATE = StepInput.attribute("camunda:dueDate", "String")
            .pattern("^(P(?=\\d|T\\d)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?"
                    + "|\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?|[$#]\\{.+\\})?$");

    @Override
    public String templateId() {
        return "io.stageflow.followUpTask";
    }

    @Override
    public String appliesTo() {
        return "bpmn:UserTask";
    }

    @Override
    public List<StepInput<?>> inputs() {
        return List.of(NAME, CANDIDATE_GROUPS, DUE_DATE);
    }
}
