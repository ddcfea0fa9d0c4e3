import { randomInt } from "crypto";
import * as aws4 from "aws4";
import { HttpAnswer, send } from "./http";

/** The stack outputs the smoke test needs (`pulumi stack output --json --show-secrets`). */
export interface SmokeOutputs {
    readonly invokeUrl: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
}

/** One printed row: what was checked, what was expected, what was seen. */
export interface SmokeRow {
    readonly check: string;
    readonly expected: string;
    readonly seen: string;
    readonly pass: boolean;
    /** How many times it was sent (more than one while new keys propagate). */
    readonly attempts: number;
}

export interface SmokeOptions {
    /**
     * How long signed checks that should pass keep retrying while a 403 says the new key is not yet
     * known everywhere (IAM is eventually consistent). @default 0
     */
    readonly retryForSeconds?: number;
    /** Called with a line for each retry. */
    readonly log?: (line: string) => void;
}

type Signing = "valid" | "none" | "wrongSecret" | "unknownKey" | "expired" | "pathChangedAfterSigning";

interface Expectation {
    readonly status: number;
    readonly errorType?: string;
    /** The body, exactly. */
    readonly body?: string;
    /** The body parsed as JSON, deeply equal. */
    readonly json?: unknown;
    /** The start of the error body's `message`. */
    readonly messageStartsWith?: string;
}

interface Check {
    readonly name: string;
    readonly method: string;
    readonly path: string;
    readonly body?: string;
    readonly signing: Signing;
    readonly expect: Expectation;
}

const ALL_PETS = [
    { id: 1, type: "dog", price: 249.99 },
    { id: 2, type: "cat", price: 124.99 },
    { id: 3, type: "fish", price: 0.99 },
];

/** The checks, in order: what the example pet store must answer to each kind of caller. */
export const CHECKS: readonly Check[] = [
    {
        name: "signed GET /pets",
        method: "GET",
        path: "/pets",
        signing: "valid",
        expect: { status: 200, json: ALL_PETS },
    },
    {
        name: "signed GET /pets/{petId}",
        method: "GET",
        path: "/pets/2",
        signing: "valid",
        expect: { status: 200, json: ALL_PETS[1] },
    },
    {
        name: "signed POST /pets with a JSON body",
        method: "POST",
        path: "/pets",
        body: JSON.stringify({ type: "cat", price: 50 }),
        signing: "valid",
        expect: { status: 201, json: { id: 4, message: "Pet created" } },
    },
    {
        name: "signed GET with a query string",
        method: "GET",
        path: "/pets?type=fish",
        signing: "valid",
        expect: { status: 200, json: [ALL_PETS[2]] },
    },
    {
        name: "unsigned GET /pets",
        method: "GET",
        path: "/pets",
        signing: "none",
        expect: {
            status: 403,
            errorType: "MissingAuthenticationTokenException",
            body: '{"message":"Missing Authentication Token"}',
        },
    },
    {
        name: "wrong secret key",
        method: "GET",
        path: "/pets",
        signing: "wrongSecret",
        expect: {
            status: 403,
            errorType: "InvalidSignatureException",
            messageStartsWith: "The request signature we calculated does not match",
        },
    },
    {
        name: "unknown access key",
        method: "GET",
        path: "/pets",
        signing: "unknownKey",
        expect: { status: 403, messageStartsWith: "The security token included in the request is invalid." },
    },
    {
        name: "signature older than 5 minutes",
        method: "GET",
        path: "/pets",
        signing: "expired",
        expect: { status: 403, errorType: "InvalidSignatureException", messageStartsWith: "Signature expired" },
    },
    {
        name: "path changed after signing",
        method: "GET",
        path: "/pets",
        signing: "pathChangedAfterSigning",
        expect: { status: 403, errorType: "InvalidSignatureException" },
    },
];

/**
 * Calls the deployed API as the checks describe, signing with `aws4` (service `execute-api`, the
 * outputs' region), and returns one row per check. Secrets never appear in what it returns.
 */
export async function runSmokeTest(outputs: SmokeOutputs, options: SmokeOptions = {}): Promise<SmokeRow[]> {
    requireOutputs(outputs);
    const rows: SmokeRow[] = [];
    for (const check of CHECKS) {
        const deadline = Date.now() + (options.retryForSeconds ?? 0) * 1000;
        let attempts = 0;
        let answer: HttpAnswer;
        for (let delay = 1000; ; delay = Math.min(delay * 2, 10_000)) {
            attempts++;
            answer = await sendCheck(outputs, check);
            const mayBePropagating =
                check.signing === "valid" && answer.status === 403 && Date.now() + delay < deadline;
            if (!mayBePropagating) break;
            options.log?.(
                `${check.name}: 403 ${String(answer.headers["x-amzn-errortype"] ?? "")}, retrying in ${delay / 1000} s (new keys take a while to propagate)`,
            );
            await new Promise((r) => setTimeout(r, delay));
        }
        const verdict = judge(check.expect, answer);
        rows.push({
            check: check.name,
            expected: describeExpectation(check.expect),
            seen: redact(verdict.seen, outputs),
            pass: verdict.pass,
            attempts,
        });
    }
    return rows;
}

function requireOutputs(outputs: SmokeOutputs): void {
    const missing = (["invokeUrl", "region", "accessKeyId", "secretAccessKey"] as const).filter(
        (k) => typeof outputs[k] !== "string" || outputs[k] === "",
    );
    if (missing.length > 0)
        throw new Error(`The stack outputs lack ${missing.join(", ")}; is this a stack of this project?`);
}

async function sendCheck(outputs: SmokeOutputs, check: Check): Promise<HttpAnswer> {
    const base = new URL(outputs.invokeUrl);
    const url = new URL(base.pathname.replace(/\/$/, "") + check.path, base);
    const headers: Record<string, string> = {};
    if (check.body !== undefined) headers["Content-Type"] = "application/json";
    if (check.signing === "none") return send(url, check.method, { Host: url.host, ...headers }, check.body);

    let credentials = { accessKeyId: outputs.accessKeyId, secretAccessKey: outputs.secretAccessKey };
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
            method: check.method,
            service: "execute-api",
            region: outputs.region,
            headers,
            body: check.body,
        },
        credentials,
    );
    const sentUrl = check.signing === "pathChangedAfterSigning" ? new URL(url.pathname + "/1" + url.search, url) : url;
    return send(sentUrl, check.method, signed.headers as Record<string, string>, check.body);
}

function judge(expect: Expectation, answer: HttpAnswer): { pass: boolean; seen: string } {
    const errorType = answer.headers["x-amzn-errortype"];
    const problems: string[] = [];
    if (answer.status !== expect.status) problems.push(`status ${answer.status}`);
    if (expect.errorType !== undefined && errorType !== expect.errorType)
        problems.push(`x-amzn-ErrorType ${String(errorType ?? "(none)")}`);
    if (expect.body !== undefined && answer.body !== expect.body) problems.push(`body ${answer.body.slice(0, 80)}`);
    if (expect.json !== undefined && !jsonEquals(answer.body, expect.json))
        problems.push(`body ${answer.body.slice(0, 80)}`);
    if (expect.messageStartsWith !== undefined && !errorMessage(answer.body).startsWith(expect.messageStartsWith)) {
        problems.push(`message ${errorMessage(answer.body).slice(0, 60)}`);
    }
    const summary = `${answer.status}${errorType ? ` ${String(errorType)}` : ""}`;
    return {
        pass: problems.length === 0,
        seen: problems.length === 0 ? summary : `${summary}: ${problems.join("; ")}`,
    };
}

function describeExpectation(expect: Expectation): string {
    const parts = [String(expect.status)];
    if (expect.errorType) parts.push(expect.errorType);
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
export function redact(text: string, outputs: Pick<SmokeOutputs, "accessKeyId" | "secretAccessKey">): string {
    let safe = text;
    for (const secret of [outputs.secretAccessKey, outputs.accessKeyId])
        if (secret) safe = safe.split(secret).join("[secret]");
    return safe;
}

/** The rows as a fixed-width table, then a summary line. */
export function formatTable(rows: readonly SmokeRow[]): string {
    const header = ["result", "check", "expected", "seen"];
    const lines = rows.map((r) => [
        r.pass ? "PASS" : "FAIL",
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
    const passed = rows.filter((r) => r.pass).length;
    return [
        format(header),
        format(widths.map((w) => "-".repeat(w))),
        ...lines.map(format),
        "",
        `${passed} passed, ${rows.length - passed} failed`,
    ].join("\n");
}
