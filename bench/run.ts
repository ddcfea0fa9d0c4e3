// What `npm run bench` runs (bench/cli.ts parses its command line): measures what the program and the local gateway cost and how the cost grows with the
// API; writes bench/results.json and bench/results.md and refreshes the table in docs/benchmarks.md. Every
// figure is a median over repeated runs; every comparison is a ratio measured in the same run.
// Benchmarks report; they never fail on a number.
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import * as prettier from "prettier";
import { promisify } from "util";
import { operationGrants, operationPolicyDocuments, policyChars } from "../components/policies/operationPolicy";
import { prepareSpec, SecuredRestApi } from "../components";
import { outputsAsJson, runProgramLocally } from "../local-aws/engine/runProgram";
import { startLocalMode } from "../local-aws/localMode";
import { TYPE_CHECK_RECORD } from "../local-aws/engine/typeCheck";
import { signedHeaders } from "../tests/helpers/rawHttp";
import { startSigV4Server } from "./baseline/sigv4Server";
import { openApi3, operation } from "../tests/helpers/specs";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const AUTOCANNON = path.join(ROOT, "node_modules/.bin/autocannon");
const run = promisify(execFile);
/** How many runs and how long a load: set once by runBench, from --quick. */
let quick = false;
let RUNS = { evaluation: 7, scale: 5, npmTest: 3 };
let LOAD = { connections: 10, seconds: 10, warmupSeconds: 5 };

const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** 1. index.ts under the mock runtime against the same resources declared with raw @pulumi/aws. */
async function programEvaluation() {
    const samples: Record<"component" | "baseline", { ms: number[]; rssMb: number[] }> = {
        component: { ms: [], rssMb: [] },
        baseline: { ms: [], rssMb: [] },
    };
    for (let i = 0; i < RUNS.evaluation; i++) {
        // Interleaved, so drift in the machine's load hits both alike.
        for (const [kind, program] of [
            ["component", "index.ts"],
            ["baseline", "bench/baseline/index.ts"],
        ] as const) {
            const { stdout } = await run(TSX, ["bench/evaluate.ts", program], { cwd: ROOT, encoding: "utf8" });
            const result = JSON.parse(stdout) as { resolvedMs: number; maxRssKb: number };
            samples[kind].ms.push(result.resolvedMs);
            samples[kind].rssMb.push(result.maxRssKb / 1024);
        }
    }
    const component = {
        wallMs: round(median(samples.component.ms)),
        peakRssMb: round(median(samples.component.rssMb), 1),
    };
    const baseline = {
        wallMs: round(median(samples.baseline.ms)),
        peakRssMb: round(median(samples.baseline.rssMb), 1),
    };
    log(`program evaluation: component ${component.wallMs} ms, baseline ${baseline.wallMs} ms`);
    return {
        runs: RUNS.evaluation,
        component,
        baseline,
        timeRatio: round(component.wallMs / baseline.wallMs, 2),
        memoryRatio: round(component.peakRssMb / baseline.peakRssMb, 2),
        target: "time ratio <= 1.2",
    };
}

/** 1b. Local mode's type check of index.ts before it runs: with nothing recorded, and recorded. */
async function typeCheck() {
    const samples = { first: [] as number[], recorded: [] as number[] };
    for (let i = 0; i < RUNS.npmTest; i++) {
        fs.rmSync(TYPE_CHECK_RECORD, { force: true }); // a cache: the next npm start records it again
        for (const kind of ["first", "recorded"] as const) {
            const { stdout } = await run(TSX, ["bench/typeCheck.ts", "index.ts"], { cwd: ROOT, encoding: "utf8" });
            samples[kind].push((JSON.parse(stdout) as { ms: number }).ms);
        }
    }
    const result = {
        runs: RUNS.npmTest,
        firstMs: round(median(samples.first)),
        recordedMs: round(median(samples.recorded)),
    };
    log(`type check of index.ts: first ${result.firstMs} ms, recorded ${result.recordedMs} ms`);
    return result;
}

/** A generated API of `count` operations: resources with GET and POST, and GET/DELETE on an item. */
function generatedSpec(count: number): string {
    const paths: Record<string, Record<string, unknown>> = {};
    const slots = [
        ["", "get"],
        ["", "post"],
        ["/{id}", "get"],
        ["/{id}", "delete"],
    ] as const;
    for (let n = 0; n < count; n++) {
        const [suffix, verb] = slots[n % slots.length];
        (paths[`/resource${Math.floor(n / slots.length)}${suffix}`] ??= {})[verb] = operation();
    }
    return JSON.stringify(openApi3(paths));
}

/** 2. How evaluation time, body size and policy size grow with the number of operations. */
async function scale() {
    const rows = [];
    for (const count of [10, 100, 1000, 3000]) {
        const text = generatedSpec(count);
        const ms: number[] = [];
        for (let i = 0; i < RUNS.scale; i++) {
            const started = performance.now();
            await runProgramLocally({
                projectDir: ROOT,
                program: () => ({ url: new SecuredRestApi("generated", { openApiSpec: text }).invokeUrl }),
            });
            ms.push(performance.now() - started);
        }
        const spec = prepareSpec(text);
        const keys = spec.operations.map((o) => `${o.verb} ${o.path}`);
        let perOperation: { policies: number; chars: number; charsPerOperation: number } | { refused: string };
        try {
            const documents = operationPolicyDocuments(operationGrants(spec.operations, keys), "test");
            const chars = documents.reduce((sum, d) => sum + policyChars(d), 0);
            perOperation = { policies: documents.length, chars, charsPerOperation: round(chars / keys.length, 1) };
        } catch (e) {
            perOperation = { refused: (e as Error).message.replace(/^SecuredRestApi "[^"]+": /, "") };
        }
        const row = {
            operations: spec.operations.length,
            evaluationMs: round(median(ms)),
            specBytes: Buffer.byteLength(text),
            bodyBytes: Buffer.byteLength(spec.body),
            scopedPolicyChars: policyChars({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "InvokeThisApiStage",
                        Effect: "Allow",
                        Action: "execute-api:Invoke",
                        Resource: "arn:aws:execute-api:us-west-2:123456789012:abcdefghij/test/*/*",
                    },
                ],
            }),
            perOperationPolicy: perOperation,
        };
        log(`scale ${row.operations} operations: ${row.evaluationMs} ms`);
        rows.push(row);
    }
    return { runs: RUNS.scale, rows, target: "3,000 operations evaluate in <= 2,000 ms" };
}

interface LoadResult {
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    non2xx: number;
    /** CPU time this process (the servers) spent per request: steadier than req/s on a shared machine. */
    serverCpuMicrosPerRequest: number;
}

/**
 * autocannon in its own process (the server keeps this one), JSON out, after an unmeasured warm-up of
 * the same load, so every server is measured with its code compiled by V8's optimising tiers.
 */
async function load(url: string, headers: Record<string, string>): Promise<LoadResult> {
    await loadOnce(url, headers, LOAD.warmupSeconds);
    return loadOnce(url, headers, LOAD.seconds);
}

async function loadOnce(url: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
    const args = ["--json", "-c", String(LOAD.connections), "-d", String(seconds)];
    for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}=${value}`);
    const cpuBefore = process.cpuUsage();
    const child = spawn(AUTOCANNON, [...args, url], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    await new Promise((resolve) => child.on("exit", resolve));
    const cpu = process.cpuUsage(cpuBefore);
    const result = JSON.parse(out) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        non2xx: number;
    };
    return {
        requestsPerSecond: round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        serverCpuMicrosPerRequest: round((cpu.user + cpu.system) / result.requests.total, 1),
    };
}

/**
 * 3. Signed GET /pets through the local gateway against two baselines answering the same body: a plain
 * Node server, and a minimal one that verifies the same SigV4 signature with node:crypto.
 */
async function gateway() {
    const local = await startLocalMode({ projectDir: ROOT });
    const o = outputsAsJson(local.outputs) as Record<string, string>;
    const url = new URL(`${o.invokeUrl}/pets`);
    const sign = (host: string) =>
        Object.fromEntries(
            signedHeaders(
                host,
                o.region,
                { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
                { method: "GET", target: url.pathname },
            ),
        );
    // One signature for the whole run: it stays valid for 5 minutes, as on AWS.
    const headers = sign(url.host);
    const body = await new Promise<string>((resolve) =>
        http.get(url, { headers }, (r) => {
            let b = "";
            r.on("data", (c: Buffer) => (b += c.toString()));
            r.on("end", () => resolve(b));
        }),
    );
    const plain = http.createServer((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
        res.end(body);
    });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/test/pets`;
    const sigv4 = await startSigV4Server(body, o.secretAccessKey, o.region);
    const sigv4Url = new URL(`${sigv4.url}${url.pathname}`);
    const gatewayResult = await load(url.toString(), headers);
    const plainResult = await load(plainUrl, {});
    const sigv4Result = await load(sigv4Url.toString(), sign(sigv4Url.host));
    await local.close();
    plain.close();
    sigv4.close();
    log(
        `gateway ${gatewayResult.requestsPerSecond} req/s (${gatewayResult.serverCpuMicrosPerRequest} µs CPU/req), SigV4 baseline ${sigv4Result.requestsPerSecond} req/s (${sigv4Result.serverCpuMicrosPerRequest} µs), plain ${plainResult.requestsPerSecond} req/s (${plainResult.serverCpuMicrosPerRequest} µs)`,
    );
    return {
        connections: LOAD.connections,
        seconds: LOAD.seconds,
        gateway: gatewayResult,
        plainServer: plainResult,
        sigv4Server: sigv4Result,
        throughputRatio: round(gatewayResult.requestsPerSecond / plainResult.requestsPerSecond, 2),
        sigv4Ratio: round(gatewayResult.requestsPerSecond / sigv4Result.requestsPerSecond, 2),
        target: "throughput ratio >= 0.7 (plain); >= 0.5 (SigV4 baseline)",
    };
}

/** Percentile of a sorted list (nearest rank). */
const percentile = (sorted: readonly number[], p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** One signed request on a kept-alive connection; resolves with the status once the body is read. */
function timedGet(url: URL, headers: Record<string, string>, agent: http.Agent): Promise<number> {
    return new Promise((resolve, reject) => {
        http.get(url, { headers, agent }, (r) => {
            r.resume();
            r.on("end", () => resolve(r.statusCode ?? 0));
        }).on("error", reject);
    });
}

/**
 * 4. Signed GET /items through a Lambda proxy route of the README's program (examples/lambda, a warm
 * function) against the same handler called in-process with an event of the same shape: the
 * per-request overhead of the gateway and the function's own process (p50, p99, one request at a time),
 * and requests per second under load.
 */
async function lambda() {
    const local = await startLocalMode({
        projectDir: ROOT,
        program: "examples/lambda/index.ts",
        functionLog: () => undefined,
    });
    const o = outputsAsJson(local.outputs) as Record<string, string>;
    const url = new URL(`${o.invokeUrl}/items`);
    const headers = Object.fromEntries(
        signedHeaders(
            url.host,
            o.region,
            { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
            { method: "GET", target: url.pathname },
        ),
    );
    const requests = quick ? 300 : 2000;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    if ((await timedGet(url, headers, agent)) !== 200) throw new Error("The Lambda route did not answer 200.");
    const throughRoute: number[] = [];
    for (let i = 0; i < requests; i++) {
        const started = performance.now();
        await timedGet(url, headers, agent);
        throughRoute.push(performance.now() - started);
    }
    agent.destroy();
    const loaded = await load(url.toString(), headers);
    await local.close();

    const { handler } = (await import(path.join(ROOT, "examples/lambda/app/index.mjs"))) as {
        handler: (event: unknown) => Promise<{ statusCode: number }>;
    };
    const event = {
        resource: "/items",
        path: "/items",
        httpMethod: "GET",
        body: null,
        requestContext: { identity: { userArn: "arn:aws:iam::123456789012:user/bench", accessKey: o.accessKeyId } },
    };
    const inProcess: number[] = [];
    for (let i = 0; i < requests; i++) {
        const started = performance.now();
        // As the runtime hands it over: an event parsed from JSON, the result serialised to JSON.
        JSON.stringify(await handler(JSON.parse(JSON.stringify(event))));
        inProcess.push(performance.now() - started);
    }
    const [route, direct] = [throughRoute, inProcess].map((ms) => [...ms].sort((a, b) => a - b));
    const result = {
        requests,
        route: { p50Ms: round(percentile(route, 50), 3), p99Ms: round(percentile(route, 99), 3) },
        inProcess: { p50Ms: round(percentile(direct, 50), 3), p99Ms: round(percentile(direct, 99), 3) },
        overhead: {
            p50Ms: round(percentile(route, 50) - percentile(direct, 50), 3),
            p99Ms: round(percentile(route, 99) - percentile(direct, 99), 3),
        },
        load: loaded,
        target: "overhead p50 <= 2 ms with a warm handler",
    };
    log(
        `lambda route p50 ${result.route.p50Ms} ms, p99 ${result.route.p99Ms} ms; in-process p50 ${result.inProcess.p50Ms} ms; ${loaded.requestsPerSecond} req/s`,
    );
    return result;
}

/** 6. `npm start` of index.ts, process start → serving: a new program's first start (nothing recorded), then unchanged. */
async function start() {
    const samples = { first: [] as number[], unchanged: [] as number[] };
    for (let i = 0; i < RUNS.npmTest; i++) {
        fs.rmSync(TYPE_CHECK_RECORD, { force: true }); // as for a program never checked
        for (const kind of ["first", "unchanged"] as const) samples[kind].push(await timeToServing());
    }
    const result = {
        runs: RUNS.npmTest,
        firstMs: round(median(samples.first)),
        unchangedMs: round(median(samples.unchanged)),
        target: "first start <= 12 s, unchanged <= 3 s",
    };
    log(`npm start: first ${result.firstMs} ms, unchanged ${result.unchangedMs} ms`);
    return result;
}

/** Milliseconds from spawning `npm start` to its "Serving" line; then stops it (and the processes it started). */
async function timeToServing(): Promise<number> {
    const outputs = path.join(os.tmpdir(), `bench-start-${process.pid}.json`);
    const started = performance.now();
    const child = spawn("npm", ["start", "--silent", "--", "--port", "0", "--sts-port", "0", "--outputs", outputs], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
        return await new Promise<number>((resolve, reject) => {
            let seen = "";
            child.stdout.on("data", (chunk: Buffer) => {
                seen += chunk.toString();
                if (seen.includes("Serving until Ctrl+C.")) resolve(performance.now() - started);
            });
            child.stderr.on("data", (chunk: Buffer) => (seen += chunk.toString()));
            void exited.then(() => reject(new Error(`npm start stopped before serving:\n${seen}`)));
        });
    } finally {
        process.kill(-child.pid!, "SIGTERM");
        await exited;
    }
}

/** 5. `npm test` wall time. */
async function testSuite() {
    const ms: number[] = [];
    for (let i = 0; i < RUNS.npmTest; i++) {
        const started = performance.now();
        await run("npm", ["test", "--silent"], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
        ms.push(performance.now() - started);
    }
    log(`npm test ${round(median(ms) / 1000, 1)} s`);
    return { runs: RUNS.npmTest, wallSeconds: round(median(ms) / 1000, 1), target: "< 60 s" };
}

function machine() {
    const cpus = os.cpus();
    return {
        cpu: cpus[0]?.model.trim() ?? "unknown",
        cores: cpus.length,
        memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        date: new Date().toISOString(),
    };
}

function markdown(results: Awaited<ReturnType<typeof collect>>): string {
    const { program, programTypeCheck: check, scaling, gateway: g, lambda: l, tests, machine: m } = results;
    // A record from before `start` was measured has no such row.
    const started = (results as Partial<typeof results>).start;
    const perOperation = (row: (typeof scaling.rows)[number]) =>
        "refused" in row.perOperationPolicy
            ? "refused at preview (over IAM's 10 × 6,144)"
            : `${row.perOperationPolicy.policies} ${row.perOperationPolicy.policies === 1 ? "policy" : "policies"}, ${row.perOperationPolicy.chars} chars (${row.perOperationPolicy.charsPerOperation}/op)`;
    return [
        `Measured ${m.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}${quick ? " (quick run, not recorded)" : ""}.`,
        "",
        "| measure | result | baseline / target |",
        "| --- | --- | --- |",
        `| Program evaluation (process start → outputs), median of ${program.runs} | ${program.component.wallMs} ms, ${program.component.peakRssMb} MB peak RSS | raw @pulumi/aws ${program.baseline.wallMs} ms, ${program.baseline.peakRssMb} MB → ratio **${program.timeRatio}** time, ${program.memoryRatio} memory (target ≤ 1.2) |`,
        `| Local mode's type check of index.ts before it runs, median of ${check.runs} | ${check.firstMs} ms with nothing recorded, ${check.recordedMs} ms recorded | as \`pulumi up\` (ts-node) checks it; recorded: the program is unchanged |`,
        ...scaling.rows.map(
            (r) =>
                `| ${r.operations.toLocaleString("en")} operations, median of ${scaling.runs} | ${r.evaluationMs} ms; body ${(r.bodyBytes / 1024).toFixed(0)} KiB | stage policy ${r.scopedPolicyChars} chars; per-operation: ${perOperation(r)}${r.operations >= 3000 ? " (target ≤ 2,000 ms)" : ""} |`,
        ),
        `| Signed GET /pets, local gateway, ${g.connections} connections × ${g.seconds} s | ${g.gateway.requestsPerSecond} req/s, p50 ${g.gateway.p50Ms} ms, p99 ${g.gateway.p99Ms} ms | plain Node http ${g.plainServer.requestsPerSecond} req/s → ratio **${g.throughputRatio}** (target ≥ 0.7); SigV4-verifying Node server ${g.sigv4Server.requestsPerSecond} req/s → ratio **${g.sigv4Ratio}** (target ≥ 0.5) |`,
        `| Signed GET /items through a Lambda proxy route (examples/lambda, warm), ${l.requests} requests one at a time; then ${LOAD.connections} connections × ${LOAD.seconds} s | overhead p50 **${l.overhead.p50Ms} ms**, p99 ${l.overhead.p99Ms} ms (route p50 ${l.route.p50Ms} ms, p99 ${l.route.p99Ms} ms); ${l.load.requestsPerSecond} req/s | the handler called in-process: p50 ${l.inProcess.p50Ms} ms, p99 ${l.inProcess.p99Ms} ms (target: overhead p50 ≤ 2 ms) |`,
        ...(started === undefined
            ? []
            : [
                  `| \`npm start\` of index.ts, process start → serving, median of ${started.runs} | ${started.firstMs} ms as a new program (nothing recorded), ${started.unchangedMs} ms unchanged | target ≤ 12,000 ms new, ≤ 3,000 ms unchanged |`,
              ]),
        `| \`npm test\` wall time, median of ${tests.runs} | ${tests.wallSeconds} s | target < 60 s |`,
        "",
    ].join("\n");
}

async function collect() {
    const program = await programEvaluation();
    const programTypeCheck = await typeCheck();
    const scaling = await scale();
    const gatewayResults = await gateway();
    const lambdaResults = await lambda();
    const startResults = await start();
    const tests = await testSuite();
    return {
        machine: machine(),
        program,
        programTypeCheck,
        scaling,
        gateway: gatewayResults,
        lambda: lambdaResults,
        start: startResults,
        tests,
    };
}

/** `--only <section>`: one section, printed and not recorded (for working on that part). */
const SECTIONS: Record<string, () => Promise<unknown>> = {
    program: programEvaluation,
    scale,
    gateway,
    lambda,
    start,
    tests: testSuite,
};

async function main(only: string | undefined): Promise<void> {
    if (only !== undefined) {
        const section = Object.prototype.hasOwnProperty.call(SECTIONS, only) ? SECTIONS[only] : undefined;
        if (!section) throw new Error(`--only takes one of ${Object.keys(SECTIONS).join(", ")}; got ${only}.`);
        process.stdout.write(JSON.stringify(await section(), null, 2) + "\n");
        return;
    }
    process.stdout.write(await report(await collect(), { quick }));
}

/** Where a full run records its results. */
export interface ResultFiles {
    /** Holds results.json and results.md. */
    readonly dir: string;
    /** The page whose table between the bench markers is refreshed (docs/benchmarks.md). */
    readonly readme: string;
}

/**
 * The results' table; a full run also records them (results.json, results.md, the table of docs/benchmarks.md). A
 * quick run's fewer runs and shorter loads make rougher figures: it records nothing.
 */
export async function report(
    results: Awaited<ReturnType<typeof collect>>,
    options: { readonly quick: boolean },
    files: ResultFiles = { dir: __dirname, readme: path.join(ROOT, "docs/benchmarks.md") },
): Promise<string> {
    const table = markdown(results);
    if (options.quick) return table;
    fs.writeFileSync(path.join(files.dir, "results.json"), JSON.stringify(results, null, 2) + "\n");
    fs.writeFileSync(path.join(files.dir, "results.md"), `# Benchmark results\n\n${table}`);
    const readme = fs.readFileSync(files.readme, "utf8");
    const marked = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
    if (marked.test(readme)) {
        const updated = readme.replace(marked, `<!-- bench:start -->\n${table}<!-- bench:end -->`);
        // Formatted as CI's lint expects, so a fresh run never leaves the page failing `prettier --check`.
        const format = { ...(await prettier.resolveConfig(files.readme)), filepath: files.readme };
        fs.writeFileSync(files.readme, await prettier.format(updated, format));
    }
    return table;
}

/** Runs every measure (fewer runs and shorter loads when quick) and writes the results. */
export async function runBench(options: { readonly quick: boolean; readonly only?: string }): Promise<void> {
    quick = options.quick;
    RUNS = { evaluation: quick ? 3 : 7, scale: quick ? 2 : 5, npmTest: quick ? 1 : 3 };
    LOAD = { connections: 10, seconds: quick ? 3 : 10, warmupSeconds: quick ? 2 : 5 };
    await main(options.only);
}
