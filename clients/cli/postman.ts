import * as fs from "fs";
import * as path from "path";
import { postmanEnvironment } from "../postman";
import { parseCommandLine, runCommand } from "./command";
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
    },
    examples: ["", "--stack test", "--outputs outputs.json --out env.json --name orders"],
} as const;

runCommand(command, () => {
    const { values } = parseCommandLine(command);
    const outputs = readApiCredentials(command.name, values);
    const name =
        values.name ??
        `secured-rest-api ${values.stack ?? (values.outputs ? path.basename(values.outputs) : (values.program ?? "test"))}`;
    const file = path.resolve(values.out);
    fs.writeFileSync(file, JSON.stringify(postmanEnvironment(name, outputs), null, 2) + "\n", { mode: 0o600 });
    fs.chmodSync(file, 0o600); // also when it existed before
    console.log(`Wrote ${displayPath(file)} (the keys are in it: keep it private).`);
    console.log("In Postman: Environments → Import this file and select it; on a request choose");
    console.log('Authorization "AWS Signature" with AccessKey {{AccessKey}}, SecretKey {{SecretKey}},');
    console.log("AWS Region {{AWS Region}}, Service Name {{Service Name}}, and call {{baseUrl}}/<path>.");
});
