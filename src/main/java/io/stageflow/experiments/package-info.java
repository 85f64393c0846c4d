/**
 * Experiments: A/B splits and holdouts inside journeys, the deterministic assignment of customers to variants, and
 * the sequential statistics that say when a variant has won. A split is a step in the journey's diagram
 * ({@code journeys} runs it); this package owns who goes where, what each arm did, and the decision.
 */
package io.stageflow.experiments;
