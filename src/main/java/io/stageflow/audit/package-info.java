/**
 * The audit log: who changed what, when and from where. Every change a person or a write key makes through the
 * API, the console or the engine's own REST API and web applications (a segment saved, a key issued, a user or role
 * changed, a journey deployed, a template published, a broadcast started or stopped, an import, an erasure, an
 * export) is appended, and so is every such change refused for want of a role. The routes that count as changes
 * are one table ({@code AuditedRoutes}); a test holds every route of the application to it. Rows are never
 * deleted; an erasure replaces the customer's id in them.
 */
package io.stageflow.audit;
