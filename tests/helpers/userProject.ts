import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** How the README installs the package in a project, `<…>` standing for the user's paths. */
export const INSTALL_WAYS = [
    "npm install --install-links <path-to-your-clone>",
    "npm install git+file://<absolute-path-to-your-clone>",
    "npm install <path-to-the-tarball>",
];

/** A mock-integrated GET /things, whose answer is `["a"]`. */
export const THINGS_SPEC = {
    openapi: "3.0.3",
    info: { title: "Things", version: "1" },
    paths: {
        "/things": {
            get: {
                responses: { "200": { description: "the things" } },
                "x-amazon-apigateway-integration": {
                    type: "mock",
                    requestTemplates: { "application/json": '{"statusCode": 200}' },
                    responses: {
                        default: { statusCode: "200", responseTemplates: { "application/json": '["a"]' } },
                    },
                },
            },
        },
    },
};

/**
 * A Pulumi project of a user's own in a temporary folder, outside this repository: Pulumi.yaml, stack
 * `dev` (its region in Pulumi.dev.yaml), package.json, and an index.ts that imports the component by
 * its package name and exports what the tools read.
 */
export function makeUserProject(options: { readonly region?: string; readonly dependencies?: object } = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-project-"));
    const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
    write("Pulumi.yaml", "name: my-project\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    write("Pulumi.dev.yaml", `config:\n  aws:region: ${options.region ?? "us-east-1"}\n`);
    write(
        "package.json",
        JSON.stringify({ name: "my-project", private: true, main: "index.ts", dependencies: options.dependencies }),
    );
    write(
        "index.ts",
        [
            'import { SecuredRestApi } from "secured-rest-api";',
            "",
            `const api = new SecuredRestApi("things", { openApiSpec: ${JSON.stringify(THINGS_SPEC)} });`,
            "export const invokeUrl = api.invokeUrl;",
            "export const region = api.region;",
            "export const accessKeyId = api.accessKeyId;",
            "export const secretAccessKey = api.secretAccessKey;",
            "export const operations = api.operations;",
            "",
        ].join("\n"),
    );
    return dir;
}
