import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pipeline } from "stream/promises";
import * as pulumi from "@pulumi/pulumi";
import * as yauzl from "yauzl";

/** The code sources local mode unpacks, for error messages. */
export const EMULATED_CODE_SOURCES =
    "a pulumi.asset.FileArchive of a folder or a .zip file, or a pulumi.asset.AssetArchive of StringAssets, FileAssets and such archives (what aws.lambda.CallbackFunction makes)";

/** Code local mode cannot unpack: the message names the resource and what is emulated. */
export class UnemulatedCode extends Error {
    constructor(what: string, source: string) {
        super(`Local mode does not emulate ${source} as the code of ${what}; it unpacks ${EMULATED_CODE_SOURCES}.`);
        this.name = "UnemulatedCode";
    }
}

let root: string | undefined;

/** One folder per process holding every function's code; removed when the process exits. */
function codeRoot(): string {
    if (root === undefined) {
        const made = fs.mkdtempSync(path.join(os.tmpdir(), "secured-rest-api-lambda-"));
        process.once("exit", () => fs.rmSync(made, { recursive: true, force: true }));
        root = made;
    }
    return root;
}

/**
 * Lays a function's code out in a fresh folder of its own, as Lambda unpacks a deployment package into
 * `/var/task`, and returns that folder. Folders (of the program, or `node_modules` packages inside an
 * AssetArchive) are linked rather than copied; the runtime resolves modules from the links themselves
 * (`--preserve-symlinks`), so a handler finds only what its package holds, as in AWS. Relative paths
 * are the program's working directory's, as Pulumi reads them.
 */
export async function unpackCode(code: unknown, what: string): Promise<string> {
    const taskRoot = fs.mkdtempSync(path.join(codeRoot(), "task-"));
    fs.rmdirSync(taskRoot);
    await place(code, taskRoot, what);
    return taskRoot;
}

async function place(code: unknown, target: string, what: string): Promise<void> {
    if (code instanceof pulumi.asset.FileArchive) {
        const source = path.resolve(await code.path);
        const stat = statOf(source, what);
        if (stat.isDirectory()) {
            linkTo(source, target);
        } else if (/\.(zip|jar)$/i.test(source)) {
            await extractZip(source, target, what);
        } else {
            throw new UnemulatedCode(what, `the archive ${source} (only .zip files and folders are unpacked)`);
        }
    } else if (code instanceof pulumi.asset.AssetArchive) {
        fs.mkdirSync(target, { recursive: true });
        for (const [name, member] of Object.entries(await code.assets)) {
            await placeMember(member, insideOf(target, name, what), what);
        }
    } else if (code instanceof pulumi.asset.RemoteArchive) {
        throw new UnemulatedCode(what, `the remote archive ${await code.uri}`);
    } else {
        throw new UnemulatedCode(what, code === undefined ? "no code (s3Bucket, imageUri or nothing)" : "this code");
    }
}

async function placeMember(member: unknown, target: string, what: string): Promise<void> {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (member instanceof pulumi.asset.StringAsset) {
        fs.writeFileSync(target, await member.text);
    } else if (member instanceof pulumi.asset.FileAsset) {
        const source = path.resolve(await member.path);
        statOf(source, what);
        linkTo(source, target);
    } else if (member instanceof pulumi.asset.RemoteAsset) {
        throw new UnemulatedCode(what, `the remote asset ${await member.uri}`);
    } else {
        await place(member, target, what);
    }
}

function statOf(source: string, what: string): fs.Stats {
    try {
        return fs.statSync(source);
    } catch {
        // What `pulumi up` says too: the provider cannot build the package.
        throw new Error(`The code of ${what} does not exist: ${source}.`);
    }
}

function linkTo(source: string, target: string): void {
    fs.symlinkSync(source, target);
}

/** A member's place inside the package; an absolute name or one climbing out with `..` is refused. */
function insideOf(base: string, name: string, what: string): string {
    const target = path.resolve(base, name);
    if (!target.startsWith(base + path.sep))
        throw new Error(`The code of ${what} has an entry ${JSON.stringify(name)} outside its package.`);
    return target;
}

/** The file type bits of a symbolic link in a zip entry's Unix mode (its external attributes' high half). */
const SYMBOLIC_LINK = 0o120000;

/** Unpacks a zip file into `target` (yauzl refuses absolute and `..` entry names; links must stay inside). */
async function extractZip(file: string, target: string, what: string): Promise<void> {
    fs.mkdirSync(target, { recursive: true });
    let zip: yauzl.ZipFile;
    try {
        zip = await yauzl.openPromise(file, { strictFileNames: true });
    } catch (e) {
        throw new Error(`The code of ${what} is not a readable zip file (${file}): ${(e as Error).message}`);
    }
    try {
        for await (const entry of zip.eachEntry()) {
            const destination = insideOf(target, entry.fileName, what);
            if (entry.fileName.endsWith("/")) {
                fs.mkdirSync(destination, { recursive: true });
                continue;
            }
            fs.mkdirSync(path.dirname(destination), { recursive: true });
            const stream = await zip.openReadStreamPromise(entry);
            if (((entry.externalFileAttributes >>> 16) & 0o170000) === SYMBOLIC_LINK) {
                const chunks: Buffer[] = [];
                for await (const chunk of stream) chunks.push(chunk as Buffer);
                const linked = Buffer.concat(chunks).toString();
                insideOf(target, path.join(path.dirname(entry.fileName), linked), what);
                fs.symlinkSync(linked, destination);
            } else {
                await pipeline(stream, fs.createWriteStream(destination));
            }
        }
    } finally {
        zip.close();
    }
}
