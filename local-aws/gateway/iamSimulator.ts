// @cloud-copilot/iam-simulate (AGPL-3.0: a tool of local mode only, never loaded by the component), with
// two of its answers made IAM's. Its CommonJS build reads each function off its module object at every
// call, so replacing an export of the module files (loaded by path: the package's exports map hides them)
// changes what every evaluation uses, in whichever project the simulator is installed.
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import * as simulator from "@cloud-copilot/iam-simulate";

/** The build the package's `require` entry is in (`dist/cjs/`), and a `require` from inside it. */
const entry = require.resolve("@cloud-copilot/iam-simulate");
const build = path.dirname(entry);
const requireInside = createRequire(entry);

/** A module file of the build, checked to export what is replaced, so a different build fails loudly, never silently unfixed. */
function buildModule<T>(file: string, exported: readonly string[]): T {
    const module = requireInside(path.join(build, file)) as Record<string, unknown>;
    const missing = exported.filter((name) => typeof module[name] !== "function");
    if (missing.length > 0) {
        const manifest = path.join(build, "../../package.json");
        const version = fs.existsSync(manifest)
            ? (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version
            : "?";
        throw new Error(
            `@cloud-copilot/iam-simulate ${version} at ${build} has no ${missing.join(", ")} in ${file}: local mode corrects two of its answers there. Install the version secured-rest-api names in its peerDependencies.`,
        );
    }
    return module as T;
}

interface Ipv4Module {
    isIpInCidrV4(ip: string, cidr: string): boolean;
    isValidIpV4(ip: string): boolean;
    isValidCidrV4(cidr: string): boolean;
}

// An IPv4 /0 is every address: the build's mask `-1 << (32 - prefix)` is -1 for /0 (JavaScript shifts by
// the count mod 32), so 0.0.0.0/0 matched only 0.0.0.0.
const ipv4 = buildModule<Ipv4Module>("condition/ipaddress/ipv4.js", ["isIpInCidrV4", "isValidIpV4", "isValidCidrV4"]);
ipv4.isIpInCidrV4 = (ip, cidr) => {
    if (!ipv4.isValidIpV4(ip)) throw new Error("Invalid IP address");
    if (!ipv4.isValidCidrV4(cidr)) throw new Error("Invalid CIDR block");
    const [network, prefix] = cidr.split("/");
    const mask = Number(prefix) === 0 ? 0 : (-1 << (32 - Number(prefix))) >>> 0;
    const asNumber = (address: string) => address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    return (asNumber(ip) & mask) >>> 0 === (asNumber(network) & mask) >>> 0;
};

/** What the build's principal matching takes and gives, as far as the fix reads it. */
interface PrincipalAnalysis {
    explain: { matches: string };
}
interface RequestPrincipal {
    isAnonymous(): boolean;
    accountId(): string | undefined;
    value(): string;
}
interface PrincipalStatement {
    isWildcardPrincipal(): boolean;
}
interface Statement {
    isNotPrincipalStatement(): boolean;
    notPrincipals(): PrincipalStatement[];
    effect(): "Allow" | "Deny";
}
type Matching = (request: { principal: RequestPrincipal }, ...rest: unknown[]) => unknown;
interface PrincipalModule {
    requestMatchesPrincipalStatement(
        request: { principal: RequestPrincipal },
        principal: PrincipalStatement,
        parameters: unknown,
        effect: string,
    ): PrincipalAnalysis;
    requestMatchesNotPrincipal: Matching;
    requestMatchesStatementPrincipals: Matching;
}
const utils = requireInside("@cloud-copilot/iam-utils") as {
    isAssumedRoleArn(arn: string): boolean;
    isFederatedUserArn(arn: string): boolean;
};

/**
 * NotPrincipal leaves a request out only when each level AWS may evaluate is listed (IAM User Guide,
 * "AWS JSON policy elements: NotPrincipal", with Deny): the principal's own ARN, its account (when it has
 * one) and, for a role session, its role; or when the list holds "*". The build let an account listed
 * alone leave out every principal of that account.
 */
function requestMatchesNotPrincipal(
    request: { principal: RequestPrincipal },
    notPrincipal: PrincipalStatement[],
    parameters: unknown,
    effect: string,
): { matches: "Match" | "NoMatch"; explains: PrincipalAnalysis["explain"][] } {
    const analyses = notPrincipal.map((p) =>
        principal.requestMatchesPrincipalStatement(request, p, parameters, effect),
    );
    const found = new Set(analyses.map((analysis) => analysis.explain.matches));
    const caller = request.principal;
    const authenticated = !caller.isAnonymous();
    const hasAccount = authenticated && caller.accountId() !== undefined;
    const isRoleSession = authenticated && utils.isAssumedRoleArn(caller.value());
    const isFederatedUser = authenticated && !isRoleSession && utils.isFederatedUserArn(caller.value());
    const listed =
        notPrincipal.some((p) => p.isWildcardPrincipal()) ||
        (found.has("Match") &&
            (!hasAccount || found.has("AccountLevelMatch")) &&
            (!isRoleSession || found.has("SessionRoleMatch")) &&
            (!isFederatedUser || found.has("SessionUserMatch")));
    // Each explanation inverted for NotPrincipal: a listed principal does not match the request.
    for (const analysis of analyses)
        analysis.explain.matches = analysis.explain.matches === "NoMatch" ? "Match" : "NoMatch";
    return { matches: listed ? "NoMatch" : "Match", explains: analyses.map((a) => a.explain) };
}

const principal = buildModule<PrincipalModule>("principal/principal.js", [
    "requestMatchesPrincipalStatement",
    "requestMatchesNotPrincipal",
    "requestMatchesStatementPrincipals",
]);
const statementPrincipals = principal.requestMatchesStatementPrincipals;
principal.requestMatchesNotPrincipal = requestMatchesNotPrincipal as Matching;
// The engine reaches NotPrincipal through this export; the module's own call inside it would not see the one above.
principal.requestMatchesStatementPrincipals = ((request, statement: Statement, parameters: unknown) => {
    if (!statement.isNotPrincipalStatement()) return statementPrincipals(request, statement, parameters);
    const { matches, explains } = requestMatchesNotPrincipal(
        request,
        statement.notPrincipals(),
        parameters,
        statement.effect(),
    );
    return { matches, details: { notPrincipals: explains } };
}) as Matching;

export const { anonymousPrincipal, runUnsafeSimulation } = simulator;
