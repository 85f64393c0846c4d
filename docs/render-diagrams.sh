#!/usr/bin/env bash
# Draws every journey in bpmn/ as docs/journeys/<journey>.svg (for docs/journeys.md and the journey pages).
# Re-run it after changing or adding a .bpmn file, and commit the .svg with it. Needs only the JDK and Maven
# (through ./mvnw): the SVG is drawn from the diagram layout stored in the .bpmn file, no browser involved.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test -Dtest=JourneyDiagramsTest -Dsurefire.failIfNoSpecifiedTests=false -Dstageflow.diagrams.write=true
ls -l docs/journeys/*.svg
