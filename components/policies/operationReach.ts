import { operationKey } from "../openapi/operations";
import { compareScores, HTTP_METHODS, Specificity, TemplatePart, templateParts, templateScore } from "../openapi/paths";

/**
 * Which operations an IAM resource pattern opens. IAM matches `execute-api:Invoke` resources as globs
 * (`*` any run of characters, `/` included; `?` one character), against the method ARN of the concrete
 * request (`arn:…:<api>/<stage>/<VERB>/<path as requested>`). So `…/GET/pets/*`, written for
 * `GET /pets/{id}`, also matches `GET /pets/1/owner`; and `…/*\/x` matches `GET /a/b/x`. This module
 * decides, for every operation of a document, whether some request API Gateway routes to it has a
 * method ARN the pattern matches: exactly, by searching the pattern's automaton against the document's
 * routes (each segment a literal of the document or any other text), never by trying sample paths.
 */

/** An operation as policies see it: its verb (`ANY` included) and path template. */
export interface RoutableOperation {
    readonly verb: string;
    readonly path: string;
}

/**
 * The stage of an API whose stage is not known (a policy pack sees a REST API without its Stage): any
 * name API Gateway accepts for a stage, one or more of `[A-Za-z0-9_-]`.
 */
export const ANY_STAGE: unique symbol = Symbol("any stage");
/** A stage name, or {@link ANY_STAGE}. */
export type StageName = string | typeof ANY_STAGE;
/** The characters of a stage name (API Gateway's CreateStage: alphanumerics, hyphens and underscores). */
const STAGE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/** How to read a pattern when asking what it reaches. */
export type ReachQuestion =
    | {
          /** A tail after `<stage>/` (`GET/pets/*`), as identity policies write it after the stage's ARN. */
          readonly form: "stageTail";
      }
    | {
          /**
           * A resource of a resource policy: `execute-api:/…`, which API Gateway writes as this API's ARN,
           * or a whole ARN, whose partition, region, account and API id may be anything.
           */
          readonly form: "resource";
          /** The stage the API is deployed to: the first segment after the API id; or any stage. */
          readonly stageName: StageName;
      };

const STAR = -1;
const ONE = -2;
type Token = string | typeof STAR | typeof ONE;
/** A character no pattern or template uses, standing for every such character. */
const OTHER = "\uffff";

/** An IAM resource pattern compiled to tokens: characters, `?` and `*` (policy variables as `*`). */
class Glob {
    readonly tokens: readonly Token[];
    /** Every character the pattern names, in both cases. */
    readonly chars: ReadonlySet<string>;
    private readonly steps = new Map<string, number[]>();

    constructor(pattern: string) {
        const tokens: Token[] = [];
        for (let i = 0; i < pattern.length; i++) {
            const ch = pattern[i];
            const variable = ch === "$" && pattern[i + 1] === "{" ? pattern.indexOf("}", i + 2) : -1;
            if (variable > 0) {
                const name = pattern.slice(i + 2, variable);
                // IAM's escapes for literal `*`, `?` and `$`; any other variable is a value IAM fills in: any text.
                tokens.push(name === "*" || name === "?" || name === "$" ? name : STAR);
                i = variable;
            } else tokens.push(ch === "*" ? STAR : ch === "?" ? ONE : ch);
        }
        this.tokens = tokens;
        const chars = new Set<string>();
        for (const t of tokens)
            if (typeof t === "string") {
                chars.add(t.toLowerCase());
                chars.add(t.toUpperCase());
            }
        this.chars = chars;
    }

    /** The states after the empty prefix. */
    initial(): number[] {
        return this.closure([0]);
    }

    accepts(states: readonly number[]): boolean {
        return states.includes(this.tokens.length);
    }

    /** The states after one more character. */
    step(states: readonly number[], ch: string): number[] {
        const key = `${states.join(",")}|${ch}`;
        let next = this.steps.get(key);
        if (next) return next;
        const reached: number[] = [];
        for (const s of states) {
            const t = this.tokens[s];
            if (t === STAR) reached.push(s);
            else if (t === ONE || t === ch) reached.push(s + 1);
        }
        next = this.closure(reached);
        this.steps.set(key, next);
        return next;
    }

    consume(states: readonly number[], text: string): number[] {
        let current = states as number[];
        for (const ch of text) {
            if (current.length === 0) return current;
            current = this.step(current, ch);
        }
        return current;
    }

    /** The states after a value only a `*` can be sure to absorb (a parameter, whatever it is). */
    absorbAny(states: readonly number[]): number[] {
        return this.closure(states.filter((s) => this.tokens[s] === STAR));
    }

    private closure(states: readonly number[]): number[] {
        const set = new Set(states);
        for (const s of [...set].sort((a, b) => a - b)) {
            let j = s;
            while (this.tokens[j] === STAR) set.add(++j);
        }
        return [...set].sort((a, b) => a - b);
    }
}

/** A trie of the words a segment must not equal, to tell "this literal" from "any other text". */
interface TrieNode {
    readonly id: number;
    readonly children: Map<string, TrieNode>;
    end: boolean;
}

function trieOf(words: readonly string[]): TrieNode {
    let count = 0;
    const node = (): TrieNode => ({ id: count++, children: new Map(), end: false });
    const root = node();
    for (const word of words) {
        let current = root;
        for (const ch of word) {
            let child = current.children.get(ch);
            if (!child) current.children.set(ch, (child = node()));
            current = child;
        }
        current.end = true;
    }
    return root;
}

/** One resource of the document: its template, and the operation of each verb (and `ANY`) on it. */
interface Route {
    readonly id: number;
    readonly path: string;
    readonly parts: readonly TemplatePart[];
    readonly score: readonly Specificity[];
    readonly greedy: boolean;
    readonly methods: ReadonlyMap<string, string>;
}

/**
 * The routes of a document, to ask which operations a resource pattern opens. Build it once per
 * document; it keeps what it works out.
 */
export class OperationRoutes {
    private readonly routes: readonly Route[];
    private readonly maxDepth: number;
    private readonly byKey = new Map<string, RoutableOperation>();
    private readonly alive = new Map<string, number>();
    private readonly aliveSets: (readonly Route[])[] = [];
    private readonly advanced = new Map<string, number>();

    constructor(operations: readonly RoutableOperation[]) {
        const byPath = new Map<string, Map<string, string>>();
        for (const o of operations) {
            const key = operationKey(o.verb, o.path);
            this.byKey.set(key, o);
            let methods = byPath.get(o.path);
            if (!methods) byPath.set(o.path, (methods = new Map<string, string>()));
            methods.set(o.verb, key);
        }
        this.routes = [...byPath].map(([path, methods], id) => {
            const parts = templateParts(path);
            return {
                id,
                path,
                parts,
                score: templateScore(parts),
                greedy: parts.at(-1)?.kind === Specificity.Greedy,
                methods,
            };
        });
        this.maxDepth = Math.max(0, ...this.routes.map((r) => r.parts.length));
        this.intern(this.routes);
    }

    /** The operation a key names (`GET /pets/{id}`), or undefined. */
    operation(key: string): RoutableOperation | undefined {
        return this.byKey.get(key);
    }

    /**
     * The method ARN tails (`<VERB>/<path>`, each parameter `*`) that match exactly the requests of an
     * operation: one per HTTP method it serves (for `ANY`, those its path does not define itself, so
     * the tail never spans the verb's segment as `*` would). Empty for an `ANY` whose path defines
     * every method.
     */
    tailsOf(key: string): string[] {
        const o = this.byKey.get(key);
        if (!o) throw new Error(`Internal error: ${key} is not an operation of the document.`);
        const path = o.path === "/" ? "" : o.path.slice(1).replace(/\{[^}]+\}/g, "*");
        const methods = this.routes.find((r) => r.path === o.path)!.methods;
        const verbs = o.verb === "ANY" ? HTTP_METHODS.filter((v) => !methods.has(v)) : [o.verb];
        return verbs.map((v) => `${v}/${path}`);
    }

    /**
     * The operations at least one request to which has a method ARN that `pattern` matches, each
     * request counted for the operation API Gateway routes it to (the most specific template, then its
     * verb or else `ANY`), as the local gateway routes. Where AWS's router may differ (it documents no
     * order for templates that differ at several segments), it can only route fewer requests, never
     * to another operation: this reading never misses an operation AWS would open.
     */
    reachedBy(pattern: string, question: ReachQuestion): Set<string> {
        const { glob, starts } = this.compile(pattern, question);
        const reached = new Set<string>();
        const visited = new Set<string>();
        const walk = (states: number[], verb: string, depth: number, aliveId: number): void => {
            const capped = Math.min(depth, this.maxDepth + 1);
            const key = `${verb}|${capped}|${aliveId}|${states.join(",")}`;
            if (visited.has(key)) return;
            visited.add(key);
            const alive = this.aliveSets[aliveId];
            if (glob.accepts(states)) this.collect(alive, depth, verb, reached);
            const base = depth === 0 ? states : glob.step(states, "/");
            if (base.length === 0) return;
            const literals = this.literalsAt(alive, depth);
            for (const literal of literals) {
                const next = glob.consume(base, literal);
                const nextAlive = this.advance(aliveId, depth, literal);
                if (next.length > 0 && this.aliveSets[nextAlive].length > 0) walk(next, verb, depth + 1, nextAlive);
            }
            const freshAlive = this.advance(aliveId, depth, undefined);
            if (this.aliveSets[freshAlive].length === 0) return;
            for (const next of runs(glob, base, "/", [...literals, ".", ".."])) walk(next, verb, depth + 1, freshAlive);
        };
        for (const afterStage of starts) {
            for (const verb of HTTP_METHODS) {
                const states = glob.consume(afterStage, `${verb}/`);
                if (states.length > 0) walk(states, verb, 0, 0);
            }
        }
        return reached;
    }

    /**
     * Whether `pattern` matches every request of the operation (its method ARN, whatever the
     * parameters hold), compared as IAM does, case included. Sure when it says so; a pattern that
     * covers an operation only by the luck of its characters (`?` for a parameter) does not count.
     */
    coveredBy(pattern: string, key: string, question: ReachQuestion): boolean {
        const { glob, starts } = this.compile(pattern, question);
        const o = this.byKey.get(key);
        if (!o) return false;
        const parts = templateParts(o.path);
        return this.tailsOf(key).every((tail) => {
            const verb = tail.slice(0, tail.indexOf("/"));
            return starts.some((s) => {
                let states = glob.consume(s, `${verb}/`);
                parts.forEach((part, i) => {
                    if (i > 0) states = glob.step(states, "/");
                    states =
                        part.kind === Specificity.Literal ? glob.consume(states, part.text) : glob.absorbAny(states);
                });
                return glob.accepts(states);
            });
        });
    }

    /** The pattern, and its states at the start of the verb (after `<stage>/`), for each way to get there. */
    private compile(pattern: string, question: ReachQuestion): { glob: Glob; starts: number[][] } {
        if (question.form === "stageTail") {
            const glob = new Glob(pattern);
            return { glob, starts: [glob.initial()] };
        }
        // API Gateway writes `execute-api:/` as this API's ARN and its slash on import (developer guide,
        // "API Gateway resource policy examples"); anything else after `execute-api:` is read the same way.
        const shorthand = /^execute-api:/i.exec(pattern);
        const glob = new Glob(shorthand ? pattern.slice(shorthand[0].length) : pattern);
        const afterApiId = shorthand ? [glob.consume(glob.initial(), "/")] : this.prefixStates(glob);
        const stage = question.stageName;
        const afterStage =
            stage === ANY_STAGE
                ? afterApiId.flatMap((s) => charRuns(glob, s, STAGE_CHARS)).map((s) => glob.consume(s, "/"))
                : afterApiId.map((s) => glob.consume(s, `${stage}/`));
        const starts = [...new Map(afterStage.filter((s) => s.length > 0).map((s) => [s.join(","), s])).values()];
        return { glob, starts };
    }

    /**
     * The states after `arn:<partition>:execute-api:<region>:<account>:<api id>/`: the partition, region
     * and account any text; the API id ten lower-case letters or digits, the form of every id API Gateway
     * gives (inferred: no document states it; a `*` for the id is read as spanning anyway).
     */
    private prefixStates(glob: Glob): number[][] {
        let sets = [glob.consume(glob.initial(), "arn:")];
        const next = (each: (states: number[]) => number[][], literal: string) => {
            const found = new Map<string, number[]>();
            for (const states of sets)
                for (const after of each(states)) {
                    const consumed = glob.consume(after, literal);
                    if (consumed.length > 0) found.set(consumed.join(","), consumed);
                }
            sets = [...found.values()];
        };
        for (const literal of [":execute-api:", ":", ":"]) next((states) => runs(glob, states, ":/", []), literal);
        next((states) => fixedRun(glob, states, API_ID_CHARS, API_ID_LENGTH), "/");
        return sets;
    }

    /** The operation a request of `depth` segments and `verb` is routed to, if any. */
    private collect(alive: readonly Route[], depth: number, verb: string, into: Set<string>): void {
        const complete = alive.filter((r) => (r.greedy ? depth >= r.parts.length : depth === r.parts.length));
        let best: Route | undefined;
        for (const route of complete) if (!best || compareScores(route.score, best.score) > 0) best = route;
        const key = best && (best.methods.get(verb) ?? best.methods.get("ANY"));
        if (key) into.add(key);
    }

    /** The literal texts the routes still in play have at this segment. */
    private literalsAt(alive: readonly Route[], depth: number): string[] {
        const literals = new Set<string>();
        for (const route of alive) {
            const part = route.parts[depth];
            if (part?.kind === Specificity.Literal) literals.add(part.text);
        }
        return [...literals];
    }

    /** The routes still in play after one more segment: `literal`, or (undefined) any other text. */
    private advance(aliveId: number, depth: number, literal: string | undefined): number {
        const key = `${aliveId}|${Math.min(depth, this.maxDepth + 1)}|${literal === undefined ? "" : `=${literal}`}`;
        let id = this.advanced.get(key);
        if (id !== undefined) return id;
        const next = this.aliveSets[aliveId].filter((route) => {
            const n = route.parts.length;
            if (route.greedy && depth >= n - 1) return true;
            if (depth >= n) return false;
            const part = route.parts[depth];
            return part.kind !== Specificity.Literal || part.text === literal;
        });
        id = this.intern(next);
        this.advanced.set(key, id);
        return id;
    }

    private intern(routes: readonly Route[]): number {
        const key = routes.map((r) => r.id).join(",");
        let id = this.alive.get(key);
        if (id === undefined) {
            id = this.aliveSets.length;
            this.aliveSets.push(routes);
            this.alive.set(key, id);
        }
        return id;
    }
}

const API_ID_LENGTH = 10;
const API_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

/** The pattern's states after exactly `length` characters, each one of `chars`. */
function fixedRun(glob: Glob, states: readonly number[], chars: string, length: number): number[][] {
    // The characters the pattern names, and one it does not name, stand for all of them.
    const named = [...chars].filter((c) => glob.chars.has(c));
    const unnamed = [...chars].find((c) => !glob.chars.has(c));
    const alphabet = unnamed === undefined ? named : [...named, unnamed];
    let sets = new Map([[states.join(","), [...states]]]);
    for (let i = 0; i < length; i++) {
        const next = new Map<string, number[]>();
        for (const current of sets.values())
            for (const ch of alphabet) {
                const after = glob.step(current, ch);
                if (after.length > 0) next.set(after.join(","), after);
            }
        sets = next;
    }
    return [...sets.values()];
}

/** The pattern's states after each text of one or more characters, each one of `chars`: every distinct outcome. */
function charRuns(glob: Glob, states: readonly number[], chars: string): number[][] {
    // The characters the pattern names, and one it does not name, stand for all of them.
    const named = [...chars].filter((c) => glob.chars.has(c));
    const unnamed = [...chars].find((c) => !glob.chars.has(c));
    const alphabet = unnamed === undefined ? named : [...named, unnamed];
    const outcomes = new Map<string, number[]>();
    const queue = [[...states]];
    while (queue.length > 0) {
        const current = queue.shift()!;
        for (const ch of alphabet) {
            const next = glob.step(current, ch);
            const key = next.join(",");
            if (next.length === 0 || outcomes.has(key)) continue;
            outcomes.set(key, next);
            queue.push(next);
        }
    }
    return [...outcomes.values()];
}

const runsCache = new WeakMap<Glob, Map<string, number[][]>>();

/**
 * The pattern's states after each text of one or more characters, none of them in `forbidden`, that
 * is none of `excluded` (the literals a router would tell apart): every distinct outcome, found by
 * walking the characters that can make a difference (the pattern's, the literals', and one other).
 */
function runs(glob: Glob, states: readonly number[], forbidden: string, excluded: readonly string[]): number[][] {
    let cache = runsCache.get(glob);
    if (!cache) runsCache.set(glob, (cache = new Map<string, number[][]>()));
    const key = `${states.join(",")}|${forbidden}|${excluded.join("/")}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const alphabet = new Set<string>([...glob.chars, OTHER]);
    for (const word of excluded) for (const ch of word) alphabet.add(ch);
    for (const ch of forbidden) alphabet.delete(ch);
    const trie = trieOf(excluded);
    const outcomes = new Map<string, number[]>();
    const seen = new Set<string>();
    const queue: [number[], TrieNode | undefined][] = [[[...states], trie]];
    while (queue.length > 0) {
        const [current, node] = queue.shift()!;
        for (const ch of alphabet) {
            const next = glob.step(current, ch);
            if (next.length === 0) continue;
            const child = node?.children.get(ch);
            const where = child === undefined ? "off" : String(child.id);
            const seenKey = `${next.join(",")}|${where}`;
            if (seen.has(seenKey)) continue;
            seen.add(seenKey);
            if (child === undefined || !child.end) outcomes.set(next.join(","), next);
            queue.push([next, child]);
        }
    }
    const result = [...outcomes.values()];
    cache.set(key, result);
    return result;
}
