// npm runs this after `npm ci` here, and when a project installs this package from its folder or a git
// URL: it compiles bin/. A clone nobody ran `npm ci` in has no compiler yet, so its locked build tools
// are installed first (as npm itself does for a git dependency), in the clone's own node_modules.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fileURLToPath } from "url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// The npm running this script, whatever is first on PATH.
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["npm"];
// The installing project's settings (its prefix, omit=dev, install-links, …) are not this clone's.
const env = Object.fromEntries(
    Object.entries(process.env).filter(
        ([key]) =>
            !/^npm_config_(prefix|global|location|local_prefix|omit|include|production|install_links|workspaces?)$/i.test(
                key,
            ),
    ),
);
const run = (args) => execFileSync(npm[0], [...npm.slice(1), ...args], { cwd: root, env, stdio: "inherit" });

if (!fs.existsSync(path.join(root, "node_modules/typescript/package.json"))) {
    process.stderr.write("secured-rest-api: installing this clone's build tools (npm ci), to compile it\n");
    run(["ci", "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund"]);
}
run(["run", "build"]);
