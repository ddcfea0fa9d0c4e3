// Mocha's configuration (npm test). Files run on two workers in the order below: the longest first
// (they start local mode's processes or analyse @pulumi/aws's types), so both workers finish together.
const fs = require("fs");
const path = require("path");

const LONGEST_FIRST = [
    "tests/local-aws/policyPack.test.ts",
    "tests/local-aws/localMode.test.ts",
    "tests/component/packageSchema.test.ts",
    "tests/args/suggestedFixes.test.ts",
    "tests/smoke/smokeVerdict.test.ts",
    "tests/args/regions.test.ts",
    "tests/repo/secrets.test.ts",
    "tests/repo/domainDocs.test.ts",
    "tests/local-aws/gateway/fuzz.test.ts",
    "tests/local-aws/engine/typeCheck.test.ts",
    "tests/clients/cli.test.ts",
    "tests/clients/clients.test.ts",
];
const everyFile = fs
    .readdirSync(path.join(__dirname, "tests"), { recursive: true })
    .filter((file) => file.endsWith(".test.ts"))
    .map((file) => path.join("tests", file))
    .sort();

module.exports = {
    require: ["tsx/cjs"],
    extension: ["ts"],
    spec: [
        ...LONGEST_FIRST.filter((f) => everyFile.includes(f)),
        ...everyFile.filter((f) => !LONGEST_FIRST.includes(f)),
    ],
    timeout: 30000,
    reporter: "spec",
    parallel: true,
    jobs: 2,
};
