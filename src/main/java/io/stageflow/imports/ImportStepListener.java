package io.stageflow.imports;

import io.stageflow.customers.CustomerService.CustomerChange;

import org.springframework.batch.core.ItemWriteListener;

/**
 * Lets another component watch (or, in tests, break) the customer import step's writes: every bean of this type is
 * added to each customer import step as a write listener. Its callbacks run inside the chunk's transaction, so an
 * exception thrown from one rolls the chunk back like a failing database would.
 */
interface ImportStepListener extends ItemWriteListener<CustomerChange> {
}
