import { randomInt } from "crypto";
import * as aws4 from "aws4";
import { chooseEndpoint, EndpointChoice } from "../clients/endpoint";
import { assertApiCredentials } from "../clients/signedFetch";
import type { TlsOptions } from "../clients/transport";
import { HttpAnswer, send } from "./http";
import { DeployedOperation, sampleRequest, SampleRequest } from "./operations";
import { isPetStore, PET_STORE_DATA_CHECKS } from "./petStore";

/** The stack outputs the smoke test needs (`pulumi stack output --json --show-secrets`). */
export interface SmokeOutputs {
    readonly invokeUrl: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** With temporary credentials (a role's session): sent as `X-Amz-Security-Token` on every signed check. */
    readonly sessionToken?: string;
    /** The custom domain's URL: when present, every check goes through it (signed for its host and base path). */
    readonly domainUrl?: string;
    /** Whether the default endpoint is off: then it must refuse every operation, however well signed. */
    readonly disableExecuteApiEndpoint?: boolean;
}

/** What a row says: passed, failed, or an operation left public on purpose (not proved for auth). */
export type SmokeResult = "PASS" | "FAIL" | "PUBLIC";

/**
 * What a row proves: a bad request refused, the right signature let in, the example's data, or a
 * public operation (unsigned) reaching its integration.
 */
export type SmokeRowKind = "refusal" | "signed" | "data" | "public";

/** One printed row: which operation, what was checked, what was expected, what was seen. */
export interface SmokeRow {
    readonly operation: string;
    readonly check: string;
    readonly expected: string;
    readonly seen: string;
    readonly result: SmokeResult;
    /** Not FAIL. */
    readonly pass: boolean;
    readonly kind: SmokeRowKind;
    /** A bad request the operation must refuse (its failure leaves the operation open): kind `refusal`. */
    readonly refusal: boolean;
    /** How many times it was sent (more than one while new keys propagate). */
    readonly attempts: number;
}

export interface SmokeOptions {
    /** The deployed operations to prove, from the stack outputs or the document. */
    readonly operations: readonly DeployedOperation[];
    /**
     * How long signed checks that should pass keep retrying while a 403 says the new key is not yet
     * known everywhere (IAM is eventually consistent). @default 0
     */
    readonly retryForSeconds?: number;
    /** The wait before the first retry, doubled for each further one up to 10 s. @default 1000 */
    readonly firstRetryDelayMs?: number;
    /** Called with a line for each retry, and for what the run found out about the API. */
    readonly log?: (line: string) => void;
    /** The endpoint to prove: the custom domain (the default when the outputs hold domainUrl) or the default one. */
    readonly endpoint?: EndpointChoice;
    /**
     * The client certificate for a custom domain with mutual TLS; each operation then also proves the
     * domain refuses a request without it.
     */
    readonly clientCertificate?: TlsOptions["clientCertificate"];
    /** CA certificates to trust instead of Node's own, PEM (local mode's CA is read from its outputs). */
    readonly ca?: string | Buffer;
}

/** Where the checks go: the base URL they are signed for, and how to reach it. */
interface Target {
    readonly baseUrl: string;
    readonly tls: TlsOptions;
}

/** API Gateway's answer to any request of a disabled default endpoint, and of a domain to a client it refuses. */
const FORBIDDEN_EXPECTED = (head: boolean): Expectation => ({
    status: 403,
    errorType: "ForbiddenException",
    body: head ? undefined : '{"message":"Forbidden"}',
});

type Signing = "valid" | "none" | "wrongSecret" | "unknownKey" | "expired" | "pathChangedAfterSigning";

/** The `x-amzn-ErrorType`s of API Gateway's authentication and authorization refusals. */
export const AUTH_FAILURES: ReadonlySet<string> = new Set([
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ExpiredTokenException",
    "AccessDeniedException",
]);

/** What an answer must be; every field given must hold. */
export interface Expectation {
    readonly status?: number;
    readonly errorType?: string;
    /** One of API Gateway's auth refusals. */
    readonly authFailure?: boolean;
    /**
     * The gateway let the request through and its integration answered: no 5xx, and no
     * `x-amzn-ErrorType` (API Gateway sets one on every answer it makes itself, see `integrationProblems`).
     */
    readonly integrationAnswered?: boolean;
    /** The body, exactly. */
    readonly body?: string;
    /** The body parsed as JSON, deeply equal. */
    readonly json?: unknown;
    /** The start of the error body's `message`. */
    readonly messageStartsWith?: string;
}

/** One request and what it must get. */
export interface SmokeCheck {
    readonly operation: string;
    readonly check: string;
    readonly request: { readonly method: string; readonly path: string; readonly body?: string };
    readonly signing: Signing;
    readonly alteredPath?: string;
    readonly expect: Expectation;
}

/**
 * The bad requests every secured operation must refuse, as API Gateway answers them (see
 * ../shared/reference/api-gateway-iam.md). A HEAD answer has no body, so only status and type count.
 */
function refusalChecks(name: string, request: SampleRequest): SmokeCheck[] {
    const head = request.method === "HEAD";
    const check = (check: string, signing: Signing, expect: Expectation): SmokeCheck => ({
        operation: name,
        check,
        request,
        signing,
        alteredPath: request.alteredPath,
        expect,
    });
    return [
        check("unsigned", "none", {
            status: 403,
            errorType: "MissingAuthenticationTokenException",
            body: head ? undefined : '{"message":"Missing Authentication Token"}',
        }),
        check("wrong secret key", "wrongSecret", {
            status: 403,
            errorType: "InvalidSignatureException",
            messageStartsWith: head ? undefined : "The request signature we calculated does not match",
        }),
        check(
            "unknown access key",
            "unknownKey",
            head
                ? { status: 403, authFailure: true }
                : { status: 403, messageStartsWith: "The security token included in the request is invalid." },
        ),
        check("signature older than 5 minutes", "expired", {
            status: 403,
            errorType: "InvalidSignatureException",
            messageStartsWith: head ? undefined : "Signature expired",
        }),
        check("path changed after signing", "pathChangedAfterSigning", { status: 403, authFailure: true }),
    ];
}

/**
 * Proves every operation of a deployed API: each secured one refuses an unsigned request, a wrong
 * secret, an unknown key, an expired signature and a path changed after signing, and lets a correctly
 * signed request through to its integration, which answers (no 5xx, no error of API Gateway's own);
 * each public one is reported as such, and fails only if its integration did not answer. For the example pet
 * store, its data checks follow. Signs with `aws4` (service `execute-api`, the outputs' region); no
 * secret ever appears in what it returns.
 */
export async function runSmokeTest(outputs: SmokeOutputs, options: SmokeOptions): Promise<SmokeRow[]> {
    assertApiCredentials(outputs, "The smoke test's outputs");
    const operations = options.operations;
    if (operations.length === 0) throw new Error("The API has no operations to check.");
    const endpoint = chooseEndpoint(outputs as SmokeOutputs & Record<string, unknown>, options.endpoint);
    const target: Target = {
        baseUrl: endpoint.baseUrl,
        tls: {
            ca: options.ca ?? endpoint.ca,
            clientCertificate: options.clientCertificate,
            connectTo: endpoint.connectTo,
        },
    };
    // Through the domain, the default endpoint must be refused when disabled, and the domain without the client's certificate.
    const around: { target: Target; check: string }[] = [];
    if (endpoint.domain && outputs.disableExecuteApiEndpoint === true)
        around.push({ target: { baseUrl: outputs.invokeUrl, tls: {} }, check: "default endpoint (disabled), signed" });
    if (endpoint.domain && options.clientCertificate !== undefined)
        around.push({
            target: { ...target, tls: { ...target.tls, clientCertificate: undefined } },
            check: "no client certificate, signed",
        });
    const rows: SmokeRow[] = [];
    for (const operation of operations) {
        const name = `${operation.verb} ${operation.path}`;
        const request = sampleRequest(operation, operations);
        if (operation.authorization === "NONE") {
            rows.push(await publicRow(outputs, target, name, request));
            continue;
        }
        for (const check of refusalChecks(name, request))
            rows.push(await runCheck(outputs, target, check, options, "refusal"));
        for (const other of around) {
            const check: SmokeCheck = {
                operation: name,
                check: other.check,
                request,
                signing: "valid",
                expect: FORBIDDEN_EXPECTED(request.method === "HEAD"),
            };
            rows.push(await runCheck(outputs, other.target, check, options, "refusal"));
        }
        const signed: SmokeCheck = {
            operation: name,
            check: `signed ${request.method}`,
            request,
            signing: "valid",
            expect: { integrationAnswered: true },
        };
        rows.push(await runCheck(outputs, target, signed, options, "signed"));
    }
    if (isPetStore(operations)) {
        options.log?.("the API is the example pet store (api/petstore.openapi.yaml): its data checks follow");
        for (const check of PET_STORE_DATA_CHECKS) rows.push(await runCheck(outputs, target, check, options, "data"));
    }
    return rows;
}

/**
 * A public operation, called unsigned: not proved for auth (an auth refusal means it is secured after
 * all, which is no failure), but it fails if API Gateway answered instead of its integration.
 */
async function publicRow(
    outputs: SmokeOutputs,
    target: Target,
    operation: string,
    request: SampleRequest,
): Promise<SmokeRow> {
    const answer = await sendCheck(outputs, target, { operation, check: "", request, signing: "none", expect: {} });
    const refusedByAuth = AUTH_FAILURES.has(String(answer.headers["x-amzn-errortype"]));
    const problems = refusedByAuth ? [] : integrationProblems(answer);
    const seen = `unsigned ${request.method}: ${summary(answer)}`;
    return {
        operation,
        check: "public (publicOperations)",
        expected: "not checked for auth; the integration's answer",
        seen: redact(problems.length === 0 ? seen : `${seen}: ${problems.join("; ")}`, outputs),
        result: problems.length === 0 ? "PUBLIC" : "FAIL",
        pass: problems.length === 0,
        kind: "public",
        refusal: false,
        attempts: 1,
    };
}

async function runCheck(
    outputs: SmokeOutputs,
    target: Target,
    check: SmokeCheck,
    options: SmokeOptions,
    kind: Exclude<SmokeRowKind, "public">,
): Promise<SmokeRow> {
    const deadline = Date.now() + (options.retryForSeconds ?? 0) * 1000;
    let attempts = 0;
    let answer: HttpAnswer;
    for (let delay = options.firstRetryDelayMs ?? 1000; ; delay = Math.min(delay * 2, 10_000)) {
        attempts++;
        answer = await sendCheck(outputs, target, check);
        const mayBePropagating =
            check.signing === "valid" &&
            answer.status === 403 &&
            AUTH_FAILURES.has(String(answer.headers["x-amzn-errortype"])) &&
            Date.now() + delay < deadline;
        if (!mayBePropagating) break;
        options.log?.(
            `${check.operation} ${check.check}: 403 ${String(answer.headers["x-amzn-errortype"])}, retrying in ${delay / 1000} s (new keys take a while to propagate)`,
        );
        await new Promise((r) => setTimeout(r, delay));
    }
    const problems = judge(check.expect, answer);
    const seen = problems.length === 0 ? summary(answer) : `${summary(answer)}: ${problems.join("; ")}`;
    return {
        operation: check.operation,
        check: check.check,
        expected: describeExpectation(check.expect),
        seen: redact(seen, outputs),
        result: problems.length === 0 ? "PASS" : "FAIL",
        pass: problems.length === 0,
        kind,
        refusal: kind === "refusal",
        attempts,
    };
}

async function sendCheck(outputs: SmokeOutputs, target: Target, check: SmokeCheck): Promise<HttpAnswer> {
    const base = new URL(target.baseUrl);
    const stagePath = base.pathname.replace(/\/$/, "");
    const url = new URL(stagePath + check.request.path, base);
    const { method, body } = check.request;
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (check.signing === "none") return send(url, method, { Host: url.host, ...headers }, body, target.tls);

    let credentials = {
        accessKeyId: outputs.accessKeyId,
        secretAccessKey: outputs.secretAccessKey,
        sessionToken: outputs.sessionToken,
    };
    if (check.signing === "wrongSecret")
        credentials = { ...credentials, secretAccessKey: alter(credentials.secretAccessKey) };
    if (check.signing === "unknownKey") credentials = { ...credentials, accessKeyId: randomAccessKeyId() };
    if (check.signing === "expired")
        headers["X-Amz-Date"] = new Date(Date.now() - 6 * 60 * 1000)
            .toISOString()
            .replace(/[-:]/g, "")
            .replace(/\.\d{3}/, "");
    const signed = aws4.sign(
        {
            host: url.host,
            path: url.pathname + url.search,
            method,
            service: "execute-api",
            region: outputs.region,
            headers,
            body,
        },
        credentials,
    );
    const sentUrl =
        check.signing === "pathChangedAfterSigning" ? new URL(stagePath + (check.alteredPath ?? "/smoke"), base) : url;
    return send(sentUrl, method, signed.headers as Record<string, string>, body, target.tls);
}

function judge(expect: Expectation, answer: HttpAnswer): string[] {
    const errorType = answer.headers["x-amzn-errortype"];
    const problems: string[] = [];
    if (expect.status !== undefined && answer.status !== expect.status) problems.push(`status ${answer.status}`);
    if (expect.errorType !== undefined && errorType !== expect.errorType)
        problems.push(`x-amzn-ErrorType ${String(errorType ?? "(none)")}`);
    if (expect.authFailure && !AUTH_FAILURES.has(String(errorType)))
        problems.push(`x-amzn-ErrorType ${String(errorType ?? "(none)")}, not an auth refusal`);
    if (expect.integrationAnswered) problems.push(...integrationProblems(answer));
    if (expect.body !== undefined && answer.body !== expect.body) problems.push(`body ${answer.body.slice(0, 80)}`);
    if (expect.json !== undefined && !jsonEquals(answer.body, expect.json))
        problems.push(`body ${answer.body.slice(0, 80)}`);
    if (expect.messageStartsWith !== undefined && !errorMessage(answer.body).startsWith(expect.messageStartsWith)) {
        problems.push(`message ${errorMessage(answer.body).slice(0, 60)}`);
    }
    return problems;
}

/**
 * Why an answer is not its integration's: an auth refusal, another error API Gateway made itself (it
 * sets `x-amzn-ErrorType` on each of its gateway responses: integration failures and timeouts,
 * throttling, quotas, invalid bodies or parameters, WAF, configuration errors — whatever status a
 * gateway response gives it), or a 5xx (the integration failed). Empty for an integration's answer.
 */
function integrationProblems(answer: HttpAnswer): string[] {
    const errorType = answer.headers["x-amzn-errortype"];
    if (errorType === "AccessDeniedException")
        return [
            "refused by the gateway's auth: the signature was valid, the caller is not allowed this operation (a caller granted only some operations: prove those with --spec <a document of them>, docs/clients.md)",
        ];
    if (errorType !== undefined && AUTH_FAILURES.has(String(errorType))) return ["refused by the gateway's auth"];
    if (errorType !== undefined)
        return [`API Gateway's own error (x-amzn-ErrorType ${String(errorType)}), not the integration's answer`];
    if (answer.status >= 500) return [`status ${answer.status}: the integration failed`];
    return [];
}

function summary(answer: HttpAnswer): string {
    const errorType = answer.headers["x-amzn-errortype"];
    return `${answer.status}${errorType ? ` ${String(errorType)}` : ""}`;
}

function describeExpectation(expect: Expectation): string {
    const parts = expect.status === undefined ? [] : [String(expect.status)];
    if (expect.errorType) parts.push(expect.errorType);
    if (expect.authFailure) parts.push("an auth refusal");
    if (expect.integrationAnswered) parts.push("the integration's answer (no x-amzn-ErrorType, no 5xx)");
    if (expect.json !== undefined) parts.push("example JSON");
    if (expect.body !== undefined) parts.push(expect.body);
    if (expect.messageStartsWith) parts.push(`"${expect.messageStartsWith.slice(0, 40)}…"`);
    return parts.join(" ");
}

function jsonEquals(text: string, expected: unknown): boolean {
    try {
        return JSON.stringify(JSON.parse(text)) === JSON.stringify(expected);
    } catch {
        return false;
    }
}

function errorMessage(body: string): string {
    try {
        const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
        const message = parsed.message ?? parsed.Message;
        return typeof message === "string" ? message : "";
    } catch {
        return "";
    }
}

/** The same secret with its last character changed: a well-formed but wrong key. */
function alter(secret: string): string {
    const last = secret[secret.length - 1];
    return secret.slice(0, -1) + (last === "A" ? "B" : "A");
}

/** A well-formed access key id that no account issued. */
function randomAccessKeyId(): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    return "AKIA" + Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join("");
}

/** Removes any trace of the credentials from text that will be printed. */
export function redact(
    text: string,
    outputs: Pick<SmokeOutputs, "accessKeyId" | "secretAccessKey" | "sessionToken">,
): string {
    let safe = text;
    for (const secret of [outputs.secretAccessKey, outputs.accessKeyId, outputs.sessionToken])
        if (secret) safe = safe.split(secret).join("[secret]");
    return safe;
}

/** A row that counts against the verdict, whatever its kind. */
const failedRow = (row: SmokeRow): boolean => row.result === "FAIL" || !row.pass;

/** Whether no row failed, of any kind (a public operation fails only if its integration did not answer). */
export const allPassed = (rows: readonly SmokeRow[]): boolean => !rows.some(failedRow);

/** The rows as a fixed-width table, then a summary naming every operation left open. */
export function formatTable(rows: readonly SmokeRow[]): string {
    const header = ["result", "operation", "check", "expected", "seen"];
    const lines = rows.map((r) => [
        r.result,
        r.operation,
        r.check,
        r.expected,
        r.attempts > 1 ? `${r.seen} (after ${r.attempts} tries)` : r.seen,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const format = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    const failed = rows.filter(failedRow);
    const publicOperations = rows.filter((r) => r.result === "PUBLIC" && !failedRow(r)).map((r) => r.operation);
    const passed = rows.filter((r) => r.result === "PASS" && !failedRow(r)).length;
    const distinct = (names: string[]) => [...new Set(names)].join(", ");
    const open = failed.filter((r) => r.kind === "refusal").map((r) => r.operation);
    const refused = failed
        .filter((r) => r.kind === "signed" || r.kind === "data")
        .map((r) => `${r.operation} (${r.check})`);
    const brokenPublic = failed.filter((r) => r.kind === "public").map((r) => r.operation);
    return [
        format(header),
        format(widths.map((w) => "-".repeat(w))),
        ...lines.map(format),
        "",
        `${passed} passed, ${failed.length} failed` +
            (publicOperations.length > 0
                ? `; ${publicOperations.length} public operation${publicOperations.length === 1 ? "" : "s"} not checked (${publicOperations.join(", ")})`
                : ""),
        ...(open.length > 0 ? [`Left open (a bad request was not refused): ${distinct(open)}`] : []),
        ...(refused.length > 0 ? [`Failed with the right signature: ${distinct(refused)}`] : []),
        ...(brokenPublic.length > 0
            ? [`Public, but failed (a 5xx, or an error of API Gateway's own): ${distinct(brokenPublic)}`]
            : []),
    ].join("\n");
}
