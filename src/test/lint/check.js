// The journey files' checks, run by JourneyFilesLintTest:
//   node check.js <element-templates.json> <file.bpmn>...
// Validates the element templates against Camunda's published JSON schema (@bpmn-io/element-templates-validator
// bundles @camunda/element-templates-json-schema), then lints each BPMN file with bpmnlint's recommended rules and
// camunda-compat for Camunda 7.24 (.bpmnlintrc). Prints one line per problem; exits 1 when there is any.
const fs = require('fs');
const path = require('path');
const { validateAll, getSchemaPackage, getSchemaVersion } = require('@bpmn-io/element-templates-validator');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const { BpmnModdle } = require('bpmn-moddle');
const camunda = require('camunda-bpmn-moddle/resources/camunda.json');

async function main() {
  const [templatesFile, ...bpmnFiles] = process.argv.slice(2);
  let problems = 0;

  const templates = JSON.parse(fs.readFileSync(templatesFile, 'utf8'));
  const { results } = validateAll(templates);
  results.forEach((result, i) => (result.errors || []).forEach(error => {
    problems++;
    console.log(`TEMPLATE ${templates[i].id}@${templates[i].version}: ${error.message}`);
  }));
  console.log(`CHECKED ${templates.length} element templates against ${getSchemaPackage()}@${getSchemaVersion()}`);

  const config = JSON.parse(fs.readFileSync(path.join(__dirname, '.bpmnlintrc'), 'utf8'));
  const linter = new Linter({ config, resolver: new NodeResolver() });
  const moddle = new BpmnModdle({ camunda });
  for (const file of bpmnFiles) {
    const { rootElement, warnings } = await moddle.fromXML(fs.readFileSync(file, 'utf8'), 'bpmn:Definitions');
    warnings.forEach(warning => {
      problems++;
      console.log(`XML ${path.basename(file)}: ${warning.message}`);
    });
    const reports = await linter.lint(rootElement);
    for (const [rule, entries] of Object.entries(reports)) {
      for (const entry of entries) {
        if (entry.category === 'error' || entry.category === 'warn') {
          problems++;
          console.log(`LINT ${path.basename(file)} ${rule} ${entry.id || ''}: ${entry.message}`);
        }
      }
    }
    console.log(`LINTED ${path.basename(file)}`);
  }
  console.log(`PROBLEMS ${problems}`);
  process.exit(problems === 0 ? 0 : 1);
}

main().catch(error => {
  console.error(error);
  process.exit(2);
});
