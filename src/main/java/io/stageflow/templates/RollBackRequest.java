package io.stageflow.templates;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Publish an earlier version's files again, as a new version. */
record RollBackRequest(@NotNull @Min(1) Integer version, @Size(max = 500) String comment) {
}
