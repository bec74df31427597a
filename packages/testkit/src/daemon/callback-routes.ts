/**
 * Which `callbackApi` route (contracts routes/callbacks.ts) a request is for, matched against the
 * table's own method and path templates — the fake control plane has no paths of its own.
 */
import { callbackApi, pathParamNames } from '@flotilla/contracts';

export type CallbackRouteName = keyof typeof callbackApi;

const ROUTES = Object.entries(callbackApi).map(([name, spec]) => ({
  name: name as CallbackRouteName,
  method: spec.method,
  pattern: new RegExp(`^${spec.path.replace(/[.]/g, '\\.').replace(/:[A-Za-z0-9_]+/g, '([^/]+)')}$`),
  hasParam: pathParamNames(spec.path).length > 0,
}));

/**
 * The route of `method path` and its one path parameter (decoded; '' for the JWKS), or null.
 */
export function matchCallbackRoute(method: string, path: string): { route: CallbackRouteName; id: string } | null {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    try {
      return { route: route.name, id: route.hasParam ? decodeURIComponent(match[1] ?? '') : '' };
    } catch {
      return null;
    }
  }
  return null;
}
