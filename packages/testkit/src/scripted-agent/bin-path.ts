import { fileURLToPath } from 'node:url';

/** Absolute path of the scripted agent's executable (`bin/scripted-agent.mjs`); run it with node. */
export const SCRIPTED_AGENT_BIN: string = fileURLToPath(new URL('../../bin/scripted-agent.mjs', import.meta.url));
