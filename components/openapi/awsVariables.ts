import { closestName } from "../args/argumentNames";
import { Finding, securityFinding } from "./findings";
import { isJsonObject, OpenApiDocument } from "./operations";
import { escapePointer, pointerToLocation } from "./validate";

/**
 * API Gateway's AWS variables for OpenAPI import (`${AWS::Region}` and the others), which it resolves when
 * the API is imported. The component resolves them itself in the body it sends, with the stack's values:
 * the developer guide does not say in which parts of the document API Gateway resolves them, and the
 * REST API's `policy` argument is no import at all, so only a body resolved before sending is the same
 * wherever a variable stands (an unresolved `${…}` in a policy would reach IAM as a policy variable).
 * The guide: https://docs.aws.amazon.com/apigateway/latest/developerguide/import-api-aws-variables.html
 */

/** What each variable stands for, as the developer guide's table lists them. */
export interface AwsValues {
    /** `${AWS::AccountId}`: the account that imports the API. */
    readonly accountId: string;
    /** `${AWS::Partition}`: the partition the API is imported in (`aws`, `aws-cn`, `aws-us-gov`, …). */
    readonly partition: string;
    /** `${AWS::Region}`: the region the API is imported in. */
    readonly region: string;
}

/** The variables of the developer guide's page "AWS variables for OpenAPI import", by the value each takes. */
export const AWS_VARIABLES: ReadonlyMap<string, keyof AwsValues> = new Map([
    ["AWS::AccountId", "accountId"],
    ["AWS::Partition", "partition"],
    ["AWS::Region", "region"],
]);

/**
 * What the import rules judge at preview, where the stack's values are still unknown: values of the right
 * shape (AWS's documented example account), so a rule sees an ARN or a URL as API Gateway will.
 */
export const PREVIEW_AWS_VALUES: AwsValues = { accountId: "123456789012", partition: "aws", region: "us-east-1" };

/**
 * The longest each value can be (GovCloud's partition, AWS's 15-character `us-isof-south-1`), for the
 * size limits, which must hold whatever the stack's values turn out to be.
 */
export const LONGEST_AWS_VALUES: AwsValues = {
    accountId: "123456789012",
    partition: "aws-us-gov",
    region: "us-isof-south-1",
};

/** `${AWS::Name}`: any name, so that one API Gateway does not resolve can be named in an error. */
const AWS_VARIABLE = /\$\{(AWS::[A-Za-z0-9]+)\}/g;

/** The AWS variables a document uses, by name (`AWS::Region`), known ones and others alike. */
export function awsVariablesUsed(document: OpenApiDocument): Set<string> {
    const used = new Set<string>();
    visitStrings(document, "", (text) => {
        for (const [, name] of text.matchAll(AWS_VARIABLE)) used.add(name);
    });
    return used;
}

/**
 * A variable API Gateway does not resolve (a misspelling, or a CloudFormation pseudo parameter such as
 * `${AWS::StackName}`) would reach AWS as text, and a variable in a name (a key) is not resolved by the
 * component: both are refused at preview, naming the place and the fix.
 */
export function awsVariableFindings(document: OpenApiDocument): Finding[] {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    const known = [...AWS_VARIABLES.keys()];
    visitStrings(document, "", (text, pointer, isKey) => {
        for (const [variable, name] of text.matchAll(AWS_VARIABLE)) {
            const location = pointerToLocation(pointer);
            if (isKey) {
                findings.push(
                    securityFinding(
                        "aws-variable-in-name",
                        location,
                        `${variable} is part of a name at ${location}; the component resolves AWS variables in values only. Write the name out, or move the variable into a value.`,
                    ),
                );
            } else if (!AWS_VARIABLES.has(name) && !reported.has(name)) {
                reported.add(name);
                const meant = closestName(name, known);
                findings.push(
                    securityFinding(
                        "aws-variable-unknown",
                        location,
                        `${variable} at ${location} is not one of API Gateway's AWS variables (${known.map((k) => `\${${k}}`).join(", ")}), so it would not be resolved. ${meant ? `Write \${${meant}}` : "Use one of them"}, or pass the value with specValues and a {{name}} placeholder.`,
                    ),
                );
            }
        }
    });
    return findings;
}

/**
 * The document with every known AWS variable in its values replaced by its value, as API Gateway resolves
 * them at import; the document itself when it has none. Unknown names and keys are left as they are
 * ({@link awsVariableFindings} refuses them).
 */
export function resolveAwsVariables(document: OpenApiDocument, values: AwsValues): OpenApiDocument {
    if (awsVariablesUsed(document).size === 0) return document;
    const resolve = (node: unknown): unknown => {
        if (typeof node === "string")
            return node.replace(AWS_VARIABLE, (variable, name: string) => {
                const key = AWS_VARIABLES.get(name);
                return key === undefined ? variable : values[key];
            });
        if (Array.isArray(node)) return node.map(resolve);
        if (isJsonObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
        return node;
    };
    return resolve(document) as OpenApiDocument;
}

/** Every key and string value of a JSON tree, with the JSON pointer of where it stands. */
function visitStrings(node: unknown, pointer: string, visit: (text: string, pointer: string, isKey: boolean) => void) {
    if (typeof node === "string") visit(node, pointer, false);
    else if (Array.isArray(node)) node.forEach((item, i) => visitStrings(item, `${pointer}/${i}`, visit));
    else if (isJsonObject(node)) {
        for (const [key, value] of Object.entries(node)) {
            const at = `${pointer}/${escapePointer(key)}`;
            visit(key, at, true);
            visitStrings(value, at, visit);
        }
    }
}
