// The reference of every argument, output and helper, generated from the component's own TSDoc and types
// (`npm run docs` writes docs/reference.md; tests/repo/reference.test.ts fails when it is stale).
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
export const REFERENCE_FILE = path.join(ROOT, "docs/reference.md");
const ENTRY = path.join(ROOT, "components/index.ts");

interface Member {
    readonly name: string;
    readonly type: string;
    readonly optional: boolean;
    readonly doc: string;
    readonly defaultValue: string | undefined;
    readonly examples: readonly string[];
}

/** Every exported declaration of the component's sources, by name, read from their syntax alone (fast). */
function declarations(): Map<string, ts.Declaration> {
    const found = new Map<string, ts.Declaration>();
    const files = fs
        .readdirSync(path.join(ROOT, "components"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(ROOT, "components", f));
    for (const file of files) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        for (const statement of source.statements) {
            const exported = ts.canHaveModifiers(statement)
                ? (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
                : false;
            if (!exported) continue;
            if (ts.isVariableStatement(statement))
                for (const d of statement.declarationList.declarations)
                    if (ts.isIdentifier(d.name)) found.set(d.name.text, d);
            if (
                (ts.isInterfaceDeclaration(statement) ||
                    ts.isFunctionDeclaration(statement) ||
                    ts.isClassDeclaration(statement)) &&
                statement.name
            )
                found.set(statement.name.text, statement);
        }
    }
    return found;
}

/** The names `components/index.ts` exports: what a user can import. */
function publicNames(): Set<string> {
    const source = ts.createSourceFile(ENTRY, fs.readFileSync(ENTRY, "utf8"), ts.ScriptTarget.ES2022, true);
    const names = new Set<string>();
    for (const statement of source.statements)
        if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause))
            for (const element of statement.exportClause.elements) names.add(element.name.text);
    return names;
}

/** Markdown of the reference, as it must stand in docs/reference.md. */
export function renderReference(): string {
    const all = declarations();
    const exported = publicNames();
    const declaration = (name: string) => {
        const found = exported.has(name) ? all.get(name) : undefined;
        if (!found) throw new Error(`components/index.ts exports no ${name}, which the reference documents.`);
        return found;
    };
    const lines: string[] = [
        "# Reference",
        "",
        "Every argument of `SecuredRestApi`, every output, every type they use and every helper, generated from the",
        "component's TSDoc (`npm run docs`; a test fails when this page is stale). Other languages get the same",
        "names through the package schema (`pulumi package add`).",
        "",
        "- [Arguments](#arguments)",
        "- [Outputs](#outputs)",
        "- [Types](#types)",
        "- [Helpers](#helpers)",
        "",
        "## Arguments",
        "",
        "`new SecuredRestApi(name, args, opts?)`: `args` is `SecuredRestApiArgs`.",
        "",
    ];
    const documentedTypes = new Set<string>();
    const typeQueue: string[] = [];
    const mention = (type: string) => {
        for (const [name] of type.matchAll(/\b[A-Z][A-Za-z]+\b/g)) {
            const d = exported.has(name) ? all.get(name) : undefined;
            if (!d || documentedTypes.has(name) || !(ts.isInterfaceDeclaration(d) || enumValues(d).length > 0))
                continue;
            documentedTypes.add(name);
            typeQueue.push(name);
        }
    };
    for (const member of interfaceMembers(declaration("SecuredRestApiArgs") as ts.InterfaceDeclaration)) {
        lines.push(...renderMember(member, 3));
        mention(member.type);
    }
    lines.push("## Outputs", "", "Each a property of the component (`api.invokeUrl`), and of its package schema.", "");
    for (const member of outputMembers(declaration("SecuredRestApi") as ts.ClassDeclaration)) {
        lines.push(...renderMember(member, 3));
        mention(member.type);
    }
    lines.push("## Types", "");
    while (typeQueue.length > 0) {
        const name = typeQueue.shift()!;
        const d = declaration(name);
        lines.push(`### ${name}`, "", ...paragraph(docOf(docHost(d))));
        if (ts.isInterfaceDeclaration(d)) {
            for (const member of interfaceMembers(d)) {
                lines.push(...renderMember(member, 4));
                mention(member.type);
            }
        } else
            lines.push(
                `One of ${enumValues(d)
                    .map((v) => `\`"${v}"\``)
                    .join(", ")}.`,
                "",
            );
    }
    lines.push("## Helpers", "", "Functions exported next to the component, for its arguments.", "");
    for (const name of [...exported].sort()) {
        const d = all.get(name);
        const fn = d && functionOf(d);
        if (!d || !fn) continue;
        const parameters = fn.parameters.map((p) => p.getText().replace(/\s+/g, " ")).join(", ");
        const returns = fn.type ? `: ${fn.type.getText().replace(/\s+/g, " ")}` : "";
        lines.push(
            `### ${name}`,
            "",
            "```ts",
            `${name}(${parameters})${returns}`,
            "```",
            "",
            ...paragraph(docOf(docHost(d))),
        );
        for (const example of tagsOf(docHost(d), "example")) lines.push(...exampleBlock(example));
    }
    return `${lines
        .join("\n")
        .replace(/\n{3,}/g, "\n\n")
        .trimEnd()}\n`;
}

/** The node a declaration's TSDoc hangs on (a variable's statement, for `export const`). */
function docHost(declaration: ts.Declaration): ts.Node {
    return ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
}

/** The text of a TSDoc comment, `*\/` unescaped. */
function docOf(node: ts.Node): string {
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const text = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join("\n");
    return text.replace(/\*\\\//g, "*/").trim();
}

function tagsOf(node: ts.Node, tag: string): string[] {
    return ts
        .getJSDocTags(node)
        .filter((t) => t.tagName.text === tag)
        .map((t) => (ts.getTextOfJSDocComment(t.comment) ?? "").replace(/\*\\\//g, "*/").trim());
}

function memberOf(node: ts.PropertySignature | ts.PropertyDeclaration): Member {
    return {
        name: node.name.getText(),
        type: node.type ? node.type.getText().replace(/\s+/g, " ") : "unknown",
        optional: node.questionToken !== undefined,
        doc: docOf(node),
        defaultValue: tagsOf(node, "default")[0],
        examples: tagsOf(node, "example"),
    };
}

function interfaceMembers(declaration: ts.InterfaceDeclaration): Member[] {
    return declaration.members.filter(ts.isPropertySignature).map(memberOf);
}

/** The component's public readonly properties: its outputs and the resources it exposes. */
function outputMembers(declaration: ts.ClassDeclaration): Member[] {
    return declaration.members
        .filter(ts.isPropertyDeclaration)
        .filter((m) => {
            const modifiers = (ts.getModifiers(m) ?? []).map((x) => x.kind);
            return modifiers.includes(ts.SyntaxKind.PublicKeyword) && !modifiers.includes(ts.SyntaxKind.StaticKeyword);
        })
        .map(memberOf);
}

/** The values of an `as const` object of strings (how the component writes its enumerations). */
function enumValues(declaration: ts.Declaration): string[] {
    if (!ts.isVariableDeclaration(declaration) || !declaration.initializer) return [];
    const init = declaration.initializer;
    const object = ts.isAsExpression(init) ? init.expression : init;
    if (!ts.isObjectLiteralExpression(object)) return [];
    return object.properties.flatMap((p) =>
        ts.isPropertyAssignment(p) && ts.isStringLiteral(p.initializer) ? [p.initializer.text] : [],
    );
}

function functionOf(declaration: ts.Declaration): ts.SignatureDeclaration | undefined {
    if (ts.isFunctionDeclaration(declaration)) return declaration;
    if (ts.isVariableDeclaration(declaration) && declaration.initializer && ts.isArrowFunction(declaration.initializer))
        return declaration.initializer;
    return undefined;
}

function paragraph(text: string): string[] {
    return text === "" ? [] : [text, ""];
}

function exampleBlock(example: string): string[] {
    const code = example.replace(/^```\w*\n?/, "").replace(/\n?```$/, "");
    return ["```ts", code.trim(), "```", ""];
}

function renderMember(member: Member, level: number): string[] {
    const lines = [
        `${"#".repeat(level)} ${member.name}${member.optional ? "?" : ""}`,
        "",
        `\`${member.type}\`${member.defaultValue !== undefined ? ` · default: ${member.defaultValue}` : ""}`,
        "",
        ...paragraph(member.doc),
    ];
    for (const example of member.examples) lines.push(...exampleBlock(example));
    return lines;
}

if (require.main === module) {
    fs.mkdirSync(path.dirname(REFERENCE_FILE), { recursive: true });
    fs.writeFileSync(REFERENCE_FILE, renderReference());
    process.stdout.write(`Wrote ${path.relative(process.cwd(), REFERENCE_FILE)}.\n`);
}
