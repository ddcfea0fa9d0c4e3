import * as fs from "fs";
import * as path from "path";
import { chooseEndpoint } from "../endpoint";
import { postmanEnvironment } from "../postman";
import { parseCommandLine, runCommand } from "./command";
import { ENDPOINT_OPTIONS, endpointSettings } from "./endpointOptions";
import { OUTPUTS_OPTIONS, readApiCredentials } from "./outputsOptions";
import { displayPath } from "./stackOutputs";

const command = {
    name: "postman",
    usage: "[options]",
    summary:
        'Writes a Postman environment (mode 600: the keys are in it) for the API of the stack outputs, for Postman\'s "AWS Signature" authorization.',
    failureExitCode: 2,
    options: {
        ...OUTPUTS_OPTIONS,
        out: {
            type: "string",
            default: "postman-environment.json",
            placeholder: "<file>",
            description: "where to write it",
        },
        name: { type: "string", placeholder: "<name>", description: "the environment's name in Postman" },
        endpoint: ENDPOINT_OPTIONS.endpoint,
    },
    examples: [
        "",
        "--stack test",
        "--outputs outputs.json --out env.json --name orders",
        "--endpoint default   # the execute-api endpoint, not the custom domain",
    ],
} as const;

runCommand(command, () => {
    const { values } = parseCommandLine(command);
    const outputs = readApiCredentials(command.name, values);
    const name =
        values.name ??
        `secured-rest-api ${values.stack ?? (values.outputs ? path.basename(values.outputs) : (values.program ?? "test"))}`;
    const endpoint = chooseEndpoint(outputs, endpointSettings(values).endpoint);
    // Postman finds hosts by DNS and cannot be told where to connect: local mode's domain is called on its own port.
    const baseUrl = endpoint.connectTo ? withPort(endpoint.baseUrl, endpoint.connectTo.port) : endpoint.baseUrl;
    const file = path.resolve(values.out);
    fs.writeFileSync(file, JSON.stringify(postmanEnvironment(name, outputs, baseUrl), null, 2) + "\n", { mode: 0o600 });
    fs.chmodSync(file, 0o600); // also when it existed before
    console.log(`Wrote ${displayPath(file)} (the keys are in it: keep it private).`);
    console.log("In Postman: Environments → Import this file and select it; on a request choose");
    console.log('Authorization "AWS Signature" with AccessKey {{AccessKey}}, SecretKey {{SecretKey}},');
    console.log("AWS Region {{AWS Region}}, Service Name {{Service Name}}, and call {{baseUrl}}/<path>.");
    if (endpoint.domain) {
        const host = new URL(endpoint.baseUrl).hostname;
        console.log(`{{baseUrl}} is the custom domain: with mutual TLS, add your client certificate for ${host}`);
        console.log("in Postman's Settings → Certificates → Client certificates.");
        if (endpoint.connectTo)
            console.log(
                `Local mode serves it on ${endpoint.connectTo.host}:${endpoint.connectTo.port}: map ${host} to ${endpoint.connectTo.host} in your hosts file, and add local mode's CA file (the outputs' caFile) under Settings → Certificates → CA certificates.`,
            );
    }
});

/** The same URL on another port. */
function withPort(url: string, port: number): string {
    const parsed = new URL(url);
    parsed.port = String(port);
    return parsed.href.replace(/\/$/, "");
}
