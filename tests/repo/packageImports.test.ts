import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { expect } from "chai";
import * as ts from "typescript";
import { PROJECT_DIR } from "../helpers/specs";

interface Manifest {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
}
const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as Manifest;
const BUILD = ts.readConfigFile(path.join(PROJECT_DIR, "tsconfig.build.json"), (f) => ts.sys.readFile(f));
const SHIPPED = ts.parseJsonConfigFileContent(BUILD.config, ts.sys, PROJECT_DIR).fileNames;

/** The package a bare specifier loads (`@scope/name/sub` → `@scope/name`), or undefined for a relative path or a Node builtin. */
function packageOf(specifier: string): string | undefined {
    if (specifier.startsWith(".") || specifier.startsWith("node:") || builtinModules.includes(specifier)) return;
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The specifiers a file loads when it runs: imports and re-exports that are not type-only, `require(…)`, `import(…)`. */
function runtimeSpecifiers(file: string, text: string): string[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
            const clause = node.importClause;
            const onlyTypes =
                clause !== undefined &&
                (clause.isTypeOnly ||
                    (clause.name === undefined &&
                        clause.namedBindings !== undefined &&
                        ts.isNamedImports(clause.namedBindings) &&
                        clause.namedBindings.elements.length > 0 &&
                        clause.namedBindings.elements.every((e) => e.isTypeOnly)));
            if (!onlyTypes) found.push(node.moduleSpecifier.text);
        } else if (
            ts.isExportDeclaration(node) &&
            node.moduleSpecifier !== undefined &&
            ts.isStringLiteral(node.moduleSpecifier) &&
            !node.isTypeOnly
        ) {
            found.push(node.moduleSpecifier.text);
        } else if (
            ts.isCallExpression(node) &&
            (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
                (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
            node.arguments.length > 0 &&
            ts.isStringLiteralLike(node.arguments[0])
        ) {
            found.push(node.arguments[0].text);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** Each package the shipped files load, with the files that load it. */
function shippedPackages(filter: (relative: string) => boolean): Map<string, string[]> {
    const packages = new Map<string, string[]>();
    for (const file of SHIPPED) {
        const relative = path.relative(PROJECT_DIR, file);
        if (!filter(relative)) continue;
        for (const specifier of runtimeSpecifiers(file, fs.readFileSync(file, "utf8"))) {
            const name = packageOf(specifier);
            if (name !== undefined) packages.set(name, [...(packages.get(name) ?? []), relative]);
        }
    }
    return packages;
}

describe("every package the shipped code loads is one the package declares", () => {
    it("finds the packages a file loads at run time, and leaves out what only its types use", () => {
        const text = [
            'import * as a from "pkg-a/sub";',
            'import type { B } from "pkg-b";',
            'import { type C } from "pkg-c";',
            'import "@scope/d/register";',
            'export { e } from "pkg-e";',
            'export type { F } from "pkg-f";',
            'const g = require("pkg-g");',
            'const h = () => import("pkg-h");',
            'type I = typeof import("pkg-i");',
            'import * as fs from "fs";',
            'import { j } from "./local";',
        ].join("\n");
        expect(runtimeSpecifiers("x.ts", text).map(packageOf)).to.deep.equal([
            "pkg-a",
            "@scope/d",
            "pkg-e",
            "pkg-g",
            "pkg-h",
            undefined,
            undefined,
        ]);
    });

    it("a package local mode, the tools or the policy pack load is a dependency or an optional peer (an installed project has nothing else)", () => {
        const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
        const undeclared = [...shippedPackages(() => true)].filter(([name]) => !declared.has(name));
        expect(new Map(undeclared), "add each to peerDependencies (optional) or dependencies").to.deep.equal(new Map());
        for (const name of Object.keys(manifest.peerDependencies))
            expect(manifest.peerDependenciesMeta[name]?.optional, `${name} is an optional peer`).to.equal(true);
    });

    it("the component and its client load only its dependencies, never a peer (the IAM simulator is AGPL-3.0)", () => {
        const runtime = new Set(Object.keys(manifest.dependencies));
        const component = shippedPackages((file) => file.startsWith("components/"));
        // clients/cli runs the tools (local mode's peers); the signed client an app imports does not.
        const client = shippedPackages((file) => file.startsWith("clients/") && !file.startsWith("clients/cli/"));
        const outside = [...component, ...client].filter(([name]) => !runtime.has(name));
        expect(new Map(outside)).to.deep.equal(new Map());
        expect(component.has("@pulumi/pulumi"), "the scan reads the component").to.equal(true);
    });
});
