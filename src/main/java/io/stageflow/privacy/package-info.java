/**
 * Privacy beyond the rows: erased data must not survive in the database file either. Customers erase their own
 * rows ({@code customers.CustomerPrivacy} and each feature's {@code PersonalData}); this package removes what the
 * storage keeps behind them.
 */
package io.stageflow.privacy;
