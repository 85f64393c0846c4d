package io.stageflow.customers;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** How many customers are in each lifecycle stage, and how one customer got where they are. */
@RestController
class StageController {

    private final LifecycleStages stages;
    private final CustomerService customers;

    StageController(LifecycleStages stages, CustomerService customers) {
        this.stages = stages;
        this.customers = customers;
    }

    /** Every configured stage in order, with its number of customers, zero included. */
    @GetMapping("/api/v1/stages")
    List<StageCount> counts() {
        Map<String, Long> counts = stages.counts();
        return counts.entrySet().stream().map(e -> new StageCount(e.getKey(), e.getValue())).toList();
    }

    @GetMapping("/api/v1/customers/{id}/stages")
    List<StageChange> history(@PathVariable String id) {
        if (customers.find(id).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id);
        }
        return stages.history(id);
    }

    record StageCount(String stage, long customers) {
    }
}
