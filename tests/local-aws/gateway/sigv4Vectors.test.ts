import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { verifySigV4, WireRequest } from "../../../local-aws/gateway/sigv4";
import { PROJECT_DIR } from "../../helpers/specs";

// The shared folder beside the checkout; a copy of it elsewhere (Stryker's sandbox) is told where it is.
const SHARED = process.env.SECURED_REST_API_SHARED_DIR ?? path.resolve(PROJECT_DIR, "../shared");
const SUITE = path.join(SHARED, "sigv4-test-suite");
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN = fs.readFileSync(path.join(SUITE, "post-sts-token/readme.txt"), "utf8").trim().split(/\s+/).pop()!;
const NOW = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));
/** These vectors encode the path once; execute-api encodes it twice (see the suite's README). */
const SINGLE_ENCODING_ONLY = new Set(["get-utf8", "get-unreserved", "get-space"]);

interface Vector {
    readonly name: string;
    readonly text: string;
    /** Where the path and query, the header values and the body sit in `text`. */
    readonly mutable: { readonly from: number; readonly to: number; readonly what: string }[];
}

function findVectors(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return findVectors(full);
        return e.name.endsWith(".sreq") ? [full] : [];
    });
}

/** Reads a `.sreq` file into the spans a one-byte change must be refused in. */
function loadVector(file: string): Vector {
    const name = path.basename(file, ".sreq");
    const text = fs.readFileSync(file, "utf8");
    const mutable: Vector["mutable"] = [];
    const firstLineEnd = text.indexOf("\n");
    const requestLine = text.slice(0, firstLineEnd);
    const targetStart = requestLine.indexOf(" ") + 1;
    const targetEnd = requestLine.lastIndexOf(" HTTP/");
    // In normalize-path vectors a byte inside a dot-removed segment does not change the request.
    if (!file.includes("normalize-path")) mutable.push({ from: targetStart, to: targetEnd, what: "path/query" });
    let offset = firstLineEnd + 1;
    const headerEnd = text.indexOf("\n\n", firstLineEnd) < 0 ? text.length : text.indexOf("\n\n", firstLineEnd);
    while (offset < headerEnd) {
        const lineEnd =
            text.indexOf("\n", offset) < 0 || text.indexOf("\n", offset) > headerEnd
                ? headerEnd
                : text.indexOf("\n", offset);
        const line = text.slice(offset, lineEnd);
        const colon = /^\s/.test(line) ? -1 : line.indexOf(":");
        if (/^authorization:/i.test(line)) {
            const sig = line.indexOf("Signature=") + "Signature=".length;
            mutable.push({ from: offset + sig, to: lineEnd, what: "signature" });
        } else {
            mutable.push({
                from: offset + colon + 1,
                to: lineEnd,
                what: `header ${colon < 0 ? "(continued)" : line.slice(0, colon)}`,
            });
        }
        offset = lineEnd + 1;
    }
    if (headerEnd < text.length) mutable.push({ from: headerEnd + 2, to: text.length, what: "body" });
    return { name, text, mutable };
}

/** A raw request text into what the gateway receives; folded lines are further values of the header. */
function toWireRequest(text: string): WireRequest {
    const split = text.indexOf("\n\n");
    const head = split < 0 ? text : text.slice(0, split);
    const body = split < 0 ? "" : text.slice(split + 2);
    const [requestLine, ...lines] = head.split("\n");
    const method = requestLine.slice(0, requestLine.indexOf(" "));
    const target = requestLine.slice(requestLine.indexOf(" ") + 1, requestLine.lastIndexOf(" HTTP/"));
    const headers: [string, string][] = [];
    for (const line of lines) {
        if (/^\s/.test(line) && headers.length > 0) headers.push([headers[headers.length - 1][0], line.trim()]);
        else headers.push([line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)]);
    }
    const q = target.indexOf("?");
    return {
        method,
        rawPath: q < 0 ? target : target.slice(0, q),
        rawQuery: q < 0 ? "" : target.slice(q + 1),
        headers,
        body: Buffer.from(body),
    };
}

function verify(text: string, usesToken: boolean) {
    return verifySigV4(toWireRequest(text), {
        region: "us-east-1",
        service: "service",
        now: () => NOW,
        lookup: (id) =>
            id === "AKIDEXAMPLE" ? { secretAccessKey: SECRET, sessionToken: usesToken ? TOKEN : undefined } : undefined,
    });
}

function mutate(char: string): string {
    if (/[0-9]/.test(char)) return String((Number(char) + 1) % 10);
    if (/[a-y]/i.test(char)) return String.fromCharCode(char.charCodeAt(0) + 1);
    if (/[zZ]/.test(char)) return char === "z" ? "a" : "A";
    return "x";
}

const vectors = findVectors(SUITE)
    .map(loadVector)
    .filter((v) => !SINGLE_ENCODING_ONLY.has(v.name));

describe("the gateway's SigV4 verifier against AWS's test vectors", () => {
    it("covers the vectors that apply to execute-api", () => {
        expect(vectors.length).to.be.greaterThanOrEqual(20);
        expect(vectors.map((v) => v.name)).to.include.members([
            "get-vanilla",
            "post-sts-header-before",
            "post-sts-header-after",
            "get-relative-relative",
        ]);
    });

    for (const vector of vectors) {
        const usesToken = vector.name.startsWith("post-sts");
        it(`${vector.name}: accepts it, and refuses it after any one-byte change`, () => {
            expect(verify(vector.text, usesToken)).to.include({ ok: true, accessKeyId: "AKIDEXAMPLE" });
            let mutations = 0;
            for (const span of vector.mutable) {
                for (let i = span.from; i < span.to; i++) {
                    const changed = vector.text.slice(0, i) + mutate(vector.text[i]) + vector.text.slice(i + 1);
                    const result = verify(changed, usesToken);
                    expect(result.ok, `accepted after changing ${span.what} at ${i}`).to.equal(false);
                    mutations++;
                }
            }
            expect(mutations).to.be.greaterThan(64);
        });
    }
});
