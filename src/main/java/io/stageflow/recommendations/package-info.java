/**
 * Product recommendations: a nightly Spring Batch job ({@code recommendations}) that counts which products the same
 * customers bought (and, weighted lower, viewed) and stores, per product, the products most often found with it
 * (cosine of co-occurrence, with a minimum support), and the best-sellers per category and overall; and
 * {@code $recommendations} in templates, which only reads what the job stored (docs/recommendations.md).
 */
package io.stageflow.recommendations;
