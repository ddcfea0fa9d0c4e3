// typescript-eslint's type-checked rules plus Pulumi's own (Outputs must not be string-interpolated).
import * as fs from "fs";
import eslint from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import globals from "globals";
import tseslint from "typescript-eslint";
import ts from "typescript";

// The TypeScript files linted are the project's own: those tsconfig.json compiles. Anything else (a
// user's program at the root, say) has no type information to lint with, and is not ours to lint.
const { config } = ts.readConfigFile("tsconfig.json", ts.sys.readFile);
const notInTsconfig = [
    "**/*.ts",
    ...config.include.map((p) => `!${p}`),
    ...(config.exclude ?? []).map((p) => `${p}/**`),
];
// The JavaScript files linted are those in the project's own top-level entries, which .prettierignore
// lists (tests/lintScope.test.ts keeps it complete); a user's handler or script anywhere else is theirs.
const ownEntries = fs
    .readFileSync(".prettierignore", "utf8")
    .split("\n")
    .filter((line) => line.startsWith("!/"))
    .map((line) => line.slice(2));
const notOwnJavaScript = ["**/*.{js,mjs,cjs}", ...ownEntries.map((e) => (e.endsWith("/") ? `!${e}**` : `!${e}`))];

export default tseslint.config(
    // Stryker's sandboxes and reports (npm run mutate) are copies and output, not the project's files.
    {
        ignores: [
            ...notOwnJavaScript,
            ...notInTsconfig,
            "node_modules/",
            "bin/",
            "bench/results*",
            "examples/consumer/",
            ".stryker-tmp/",
            "reports/",
        ],
    },
    eslint.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
    { files: ["**/*.mjs", "**/*.js", "**/*.cjs"], ...tseslint.configs.disableTypeChecked },
    // JavaScript files are Lambda handlers (and this config): they run on Node.js.
    { files: ["**/*.mjs", "**/*.js", "**/*.cjs"], languageOptions: { globals: globals.node } },
    // A .cjs file is CommonJS: require is how it imports (.mocharc.cjs).
    { files: ["**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
);
