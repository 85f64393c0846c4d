package io.stageflow.customers;

import java.util.Map;

import io.stageflow.web.InvalidInputException;

import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Lets the business's systems create and update profiles under their own user ids. */
@RestController
@RequestMapping("/api/v1/customers")
class CustomerController {

    private final CustomerService customers;
    private final CustomerPrivacy privacy;
    private final LifecycleStages stages;

    CustomerController(CustomerService customers, CustomerPrivacy privacy, LifecycleStages stages) {
        this.customers = customers;
        this.privacy = privacy;
        this.stages = stages;
    }

    @PutMapping("/{id}")
    ResponseEntity<Customer> upsert(@PathVariable String id, @Valid @RequestBody CustomerUpsert body) {
        requireValidId(id);
        CustomerService.Upserted result = customers.upsert(id, body);
        return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK).body(result.customer());
    }

    @GetMapping("/{id}")
    CustomerView get(@PathVariable String id) {
        Customer customer = customers.find(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id));
        return stages.lifecycleOf(id)
                .map(lifecycle -> new CustomerView(customer, lifecycle.stage(), lifecycle.since(), lifecycle.orders()))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id));
    }

    /** Everything Stageflow holds about the customer, machine-readable (GDPR article 15 and 20). */
    @GetMapping("/{id}/export")
    Map<String, Object> export(@PathVariable String id) {
        return privacy.export(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id));
    }

    /** Forgets the customer (GDPR article 17): journeys stop, data goes, the address stays suppressed. */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> erase(@PathVariable String id) {
        if (!privacy.erase(id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id);
        }
        return ResponseEntity.noContent().build();
    }

    private static void requireValidId(String id) {
        if (!CustomerService.isValidId(id)) {
            throw new InvalidInputException("id", CustomerService.ID_RULE);
        }
    }
}
