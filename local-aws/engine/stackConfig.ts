import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** A stack's configuration as the Pulumi CLI would hand it to the program. */
export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    /** Fully-qualified keys (`project:key`, `aws:region`) to their string values. */
    readonly values: Record<string, string>;
}

type YamlMap = Record<string, unknown>;

/**
 * Reads `Pulumi.yaml` (project name and `config:` defaults) and `Pulumi.<stack>.yaml`, the way the CLI
 * merges them: stack values override project defaults; keys without a namespace belong to the project.
 * A `secure:` value cannot be decrypted here, so it is an error that names the key.
 */
export function loadStackConfig(projectDir: string, stack: string): StackConfig {
    const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
    const projectName = project.name;
    if (typeof projectName !== "string")
        throw new Error(`${path.join(projectDir, "Pulumi.yaml")} has no project name.`);
    const qualify = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);

    const values: Record<string, string> = {};
    for (const [key, declared] of Object.entries((project.config ?? {}) as YamlMap)) {
        const value = isMap(declared) ? declared.default : declared;
        if (value !== undefined) values[qualify(key)] = toConfigString(value);
    }

    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new Error(
            `Stack "${stack}" has no configuration file ${stackFile}; create it (for example with "aws:region").`,
        );
    }
    for (const [key, value] of Object.entries((readYaml(stackFile).config ?? {}) as YamlMap)) {
        if (isMap(value) && "secure" in value) {
            throw new Error(
                `Config "${key}" of stack "${stack}" is a secure value, which local mode cannot decrypt (it has no access to the stack's secrets provider). Give it a plain value in a stack used locally.`,
            );
        }
        values[qualify(key)] = toConfigString(value);
    }
    return { project: projectName, stack, values };
}

function readYaml(file: string): YamlMap {
    const parsed: unknown = YAML.parse(fs.readFileSync(file, "utf8"));
    return isMap(parsed) ? parsed : {};
}

function isMap(value: unknown): value is YamlMap {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Pulumi passes structured config values to programs as JSON text. */
function toConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}
