package io.stageflow.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The "Check segment" step in a deployed process: it sets a boolean for the gateway after it, and a journey that
 * names a segment that does not exist is refused when it is deployed.
 */
class SegmentStepTest extends SegmentTesting {

    @Autowired
    RepositoryService repositoryService;

    @Autowired
    HistoryService historyService;

    @Autowired
    Segments segments;

    @Test
    void theStepTellsTheGatewayWhetherTheCustomerIsInTheSegment() {
        String vip = customer("vip", "\"vip\":true");
        String other = customer("other", "\"vip\":false");
        String key = segment(condition("traits.vip", "eq", true));
        String process = "segment-check-" + run;
        deploy(process, key, "isVip");
        String defaults = "segment-default-" + run;
        deploy(defaults, key, null);

        assertThat(endOf(process, vip)).isEqualTo("In");
        assertThat(endOf(process, other)).isEqualTo("Out");
        assertThat(endOf(defaults, vip)).as("inSegment by default").isEqualTo("In");
        assertThat(segments.contains(key, vip)).isTrue();
        assertThat(segments.contains(key, "nobody-" + run)).isFalse();
    }

    @Test
    void aJourneyMayUseAFileSegmentButNotAMissingOne() {
        deploy("segment-file-" + run, "vip-lapsed", null);

        assertThatThrownBy(() -> deploy("segment-missing-" + run, "no-such-" + run, null))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("Check-segment step 'Check' uses segment 'no-such-" + run + "', which does not exist");
        assertThatThrownBy(() -> deploy("segment-bad-key-" + run, "Not A Key", null))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("a segment key is lower-case letters, digits and hyphens");
        assertThatThrownBy(() -> deploy("segment-bad-var-" + run, "vip-lapsed", "in segment"))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("has result variable 'in segment'");
    }

    private String endOf(String process, String customerId) {
        String instance = runtimeService.startProcessInstanceByKey(process, customerId).getId();
        return historyService.createHistoricActivityInstanceQuery().processInstanceId(instance).activityType("noneEndEvent")
                .singleResult().getActivityId();
    }

    private void deploy(String process, String segment, String resultVariable) {
        String variable = resultVariable == null || !resultVariable.matches("\\w+") ? "inSegment" : resultVariable;
        String result = resultVariable == null ? ""
                : "<camunda:inputParameter name=\"resultVariable\">" + resultVariable + "</camunda:inputParameter>";
        String bpmn = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d-%1$s" targetNamespace="http://bpmn.io/schema/bpmn">
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="P1D">
                    <bpmn:startEvent id="Start"/>
                    <bpmn:serviceTask id="Check" camunda:delegateExpression="${checkSegment}">
                      <bpmn:extensionElements><camunda:inputOutput>
                        <camunda:inputParameter name="segment">%2$s</camunda:inputParameter>%3$s
                      </camunda:inputOutput></bpmn:extensionElements>
                    </bpmn:serviceTask>
                    <bpmn:exclusiveGateway id="Gateway"/>
                    <bpmn:endEvent id="In"/>
                    <bpmn:endEvent id="Out"/>
                    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Check"/>
                    <bpmn:sequenceFlow id="f2" sourceRef="Check" targetRef="Gateway"/>
                    <bpmn:sequenceFlow id="f3" sourceRef="Gateway" targetRef="In">
                      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
                          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${%4$s}</bpmn:conditionExpression>
                    </bpmn:sequenceFlow>
                    <bpmn:sequenceFlow id="f4" sourceRef="Gateway" targetRef="Out">
                      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
                          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${!%4$s}</bpmn:conditionExpression>
                    </bpmn:sequenceFlow>
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(process, segment, result, variable);
        repositoryService.createDeployment().name("segment-step-test").addString(process + ".bpmn", bpmn).deploy();
    }
}
