/**
 * What customers bought, have in their cart and looked at, from the e-commerce events ({@code order_completed},
 * {@code product_added}, {@code cart_viewed}, {@code product_viewed}, … as posted to the events API or sent as
 * Segment's e-commerce spec v2): order lines, the latest cart, and bounded product views. Written when an event is
 * accepted ({@code events.IntakeEffect}), read through {@link io.stageflow.orders.Orders}, exported and erased with the
 * customer ({@code customers.PersonalData}). Product ids are the shop's own, kept as plain strings.
 */
package io.stageflow.orders;
