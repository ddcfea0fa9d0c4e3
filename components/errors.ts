import * as pulumi from "@pulumi/pulumi";
import type { Finding } from "./openapi/findings";

/**
 * Raised for any input that `SecuredRestApi` refuses: a spec that cannot be parsed, validated or
 * secured, or an argument API Gateway would reject. Each problem is one sentence that names where it
 * is and how to fix it; all problems found are reported at once, security problems first. It is a
 * `pulumi.RunError`, so `pulumi preview` prints the message alone instead of a stack trace.
 */
export class InvalidSecuredRestApiInput extends pulumi.RunError {
    /** One entry per problem found, each naming the place and the fix. */
    public readonly problems: readonly string[];
    /** The problems found in the document, with their kind, rule and location (empty for argument problems). */
    public readonly findings: readonly Finding[];

    constructor(problems: readonly string[], componentName?: string, findings: readonly Finding[] = []) {
        const subject = componentName === undefined ? "" : `SecuredRestApi "${componentName}": `;
        const summary =
            problems.length === 1
                ? problems[0]
                : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
        super(subject + summary);
        this.name = "InvalidSecuredRestApiInput";
        this.problems = problems;
        this.findings = findings;
    }

    /** The error for a list of findings, in the order they are given. */
    static fromFindings(findings: readonly Finding[]): InvalidSecuredRestApiInput {
        return new InvalidSecuredRestApiInput(
            findings.map((f) => f.message),
            undefined,
            findings,
        );
    }
}
