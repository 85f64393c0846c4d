/**
 * Predicted behaviour: RFM quintiles and the buy-till-you-die models BG/NBD (Fader, Hardie and Lee 2005) with
 * Gamma-Gamma for spend (Fader and Hardie 2013), fitted nightly by maximum likelihood (Hipparchus' Nelder-Mead over
 * the log-parameters) and stored per customer in {@code sf_customer_prediction}: the probability of being alive,
 * the churn risk, the expected orders in the next 90 days and the predicted CLV (docs/predictions.md).
 * <p>
 * The scoring job reads the order ledger table {@code sf_order} with SQL (one aggregation query grouped by
 * customer), as segments reads other features' tables: analytics, which writes the ledger, is above this package
 * in the layers, so nothing of analytics is imported. Only orders in the configured currency are modelled; amounts
 * in different currencies are never added. The model's time unit is the week.
 */
package io.stageflow.predictions;
