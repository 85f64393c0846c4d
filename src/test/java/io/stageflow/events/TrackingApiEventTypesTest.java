package io.stageflow.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrackingApiEventTypesTest {

    private final TrackingApiEventTypes types = new TrackingApiEventTypes(
            new TrackingApiProperties(Map.of("Purchase", "order_completed", "Account Created", "signed_up"), List.of()));

    @ParameterizedTest
    @CsvSource({
            "Signed Up, signed_up",
            "Order Completed, order_completed",
            "Product Added, product_added",
            "Checkout Step Viewed, checkout_step_viewed",
            "checkoutStarted, checkout_started",
            "Signed-Up!, signed_up",
            "3D Secure Passed, event_3d_secure_passed",
            "Purchase, order_completed",
            "  account created , signed_up"})
    void segmentNamesBecomeSnakeCaseUnlessTheTableSaysOtherwise(String segmentName, String type) {
        assertThat(types.typeOf(segmentName)).isEqualTo(type);
    }
}
